import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../../src/emulator/index.js';
import { SCIMClient, SCIMError } from '../../src/scim/index.js';
import { orgTeam, scimEmulator, usersList } from './helpers.js';

let emu: Emulator;
before(async () => {
  emu = await scimEmulator();
});
after(() => emu.close());

for (const version of ['v1', 'v2'] as const) {
  describe(`SCIMClient ${version} against the emulator`, () => {
    const client = () => new SCIMClient(emu.tokens.admin, { version, baseUrl: emu.scimUrl });

    it('reads what the service supports (ServiceProviderConfigs; ResourceTypes on v2 only)', async () => {
      const scim = client();
      try {
        const config = await scim.serviceProviderConfig();
        assert.equal(config.patch.supported, true);
        assert.equal(config.filter.supported, true);
        assert.equal(config.bulk.supported, false);
        if (version === 'v2') {
          const types = await scim.resourceTypes();
          assert.deepEqual(
            types.Resources.map((t) => [t.name, t.endpoint]),
            [
              ['User', '/Users'],
              ['Group', '/Groups'],
            ],
          );
        } else {
          await assert.rejects(scim.resourceTypes(), /SCIM v2 only/);
        }
        const denied = new SCIMClient(emu.issueToken({ type: 'user', team: orgTeam(emu), scopes: ['users:read'] }), {
          version,
          baseUrl: emu.scimUrl,
        });
        await assert.rejects(
          denied.serviceProviderConfig(),
          (e: unknown) => e instanceof SCIMError && e.status === 403,
        );
        denied.close();
      } finally {
        scim.close();
      }
    });

    it('creates a user that users.list shows, reads, replaces, patches and deactivates it', async () => {
      emu.reset();
      const scim = client();
      try {
        const created = await scim.users.create({
          userName: `ada${version}`,
          emails: [{ value: `ada-${version}@example.com`, primary: true }],
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          title: 'Analyst',
          externalId: 'ext-1',
        });
        assert.equal(created.userName, `ada${version}`);
        assert.equal(created.active, true);
        assert.deepEqual(created.name, { givenName: 'Ada', familyName: 'Lovelace' });
        assert.equal(created.meta?.location, `${emu.scimUrl}${version}/Users/${created.id}`);
        const listed = (await usersList(emu)).find((u) => u.id === created.id);
        assert.equal(listed?.name, `ada${version}`);
        assert.equal(listed?.deleted, false);

        const read = await scim.users.read(created.id);
        assert.equal(read.externalId, 'ext-1');
        assert.equal(read.title, 'Analyst');

        const replaced = await scim.users.replace(created.id, {
          userName: `ada${version}`,
          emails: [{ value: `ada-${version}@example.com`, primary: true }],
          displayName: 'Countess',
        });
        assert.equal(replaced.displayName, 'Countess');
        assert.equal(replaced.title, '', 'PUT clears what it leaves out');
        assert.equal(replaced.externalId, '');

        const patched = await scim.users.patch(created.id, { title: 'Engineer' });
        assert.equal(patched.title, 'Engineer');
        assert.equal(patched.displayName, 'Countess', 'PATCH keeps what it does not name');

        await scim.users.deactivate(created.id);
        assert.equal((await usersList(emu)).find((u) => u.id === created.id)?.deleted, true);
        assert.equal((await scim.users.read(created.id)).active, false);

        const back = await scim.users.patch(created.id, { active: true });
        assert.equal(back.active, true);
        assert.equal((await usersList(emu)).find((u) => u.id === created.id)?.deleted, false);
      } finally {
        scim.close();
      }
    });

    it('creates a group, reads, renames, adds and removes members, replaces and deletes it', async () => {
      emu.reset();
      const scim = client();
      try {
        const a = await scim.users.create({ userName: 'gina', emails: [{ value: 'gina@example.com' }] });
        const b = await scim.users.create({ userName: 'hal', emails: [{ value: 'hal@example.com' }] });
        const group = await scim.groups.create({ displayName: 'Ops', members: [{ value: a.id }] });
        assert.deepEqual(
          group.members?.map((m) => m.value),
          [a.id],
        );
        assert.equal((await scim.groups.read(group.id)).displayName, 'Ops');

        const grown = await scim.groups.patch(group.id, { add: [b.id], displayName: 'Operations' });
        assert.equal(grown.displayName, 'Operations');
        assert.deepEqual(grown.members?.map((m) => m.value).sort(), [a.id, b.id].sort());

        const shrunk = await scim.groups.patch(group.id, { remove: [a.id] });
        assert.deepEqual(
          shrunk.members?.map((m) => m.value),
          [b.id],
        );
        assert.deepEqual(
          (await scim.users.read(b.id)).groups?.map((g) => g.value),
          [group.id],
        );

        const replaced = await scim.groups.replace(group.id, { displayName: 'Ops Two', members: [{ value: a.id }] });
        assert.deepEqual(
          replaced.members?.map((m) => m.value),
          [a.id],
        );

        const found = await scim.groups.search({ filter: `displayName eq "Ops Two"` });
        assert.deepEqual(
          found.Resources.map((g) => g.id),
          [group.id],
        );

        await scim.groups.delete(group.id);
        const gone = await scim.groups.read(group.id).catch((e: unknown) => e);
        assert.ok(gone instanceof SCIMError);
        assert.equal(gone.status, 404);
        assert.equal(gone.error, 'group_not_found');
      } finally {
        scim.close();
      }
    });

    it('answers every SCIM error as a typed SCIMError with status, detail and Slack’s code', async () => {
      emu.reset();
      const scim = client();
      try {
        const cases: [() => Promise<unknown>, number, string][] = [
          [() => scim.users.read('U0NOSUCHONE'), 404, 'user_not_found'],
          [
            () => scim.users.create({ userName: 'member', emails: [{ value: 'x@example.com' }] }),
            409,
            'username_taken',
          ],
          [() => scim.users.create({ userName: 'no email', emails: [] }), 400, 'invalid_username'],
          [() => scim.users.search({ filter: 'userName eq' }), 400, 'invalid_filter'],
          [() => scim.users.search({ filter: 'shoeSize eq "9"' }), 400, 'invalid_filter'],
          [() => scim.groups.create({ displayName: '' }), 400, 'missing_display_name'],
          [() => scim.groups.patch('S0NOSUCHONE', { add: ['U0000000001'] }), 404, 'group_not_found'],
          [() => scim.users.deactivate('U0NOSUCHONE'), 404, 'user_not_found'],
        ];
        for (const [promise, status, error] of cases) {
          const err = await promise().then(
            () => undefined,
            (e: unknown) => e,
          );
          assert.ok(err instanceof SCIMError, `${error}: ${String(err)}`);
          assert.equal(err.status, status, error);
          assert.equal(err.error, error);
          assert.equal(err.detail, error);
          assert.equal(err.code, 'slack_scim_error');
        }
      } finally {
        scim.close();
      }
    });
  });
}

describe('SCIM tokens', () => {
  it('need the admin scope, a user token and an org; the token never shows in an error', async () => {
    emu.reset();
    const noScope = emu.issueToken({ type: 'user', team: orgTeam(emu), scopes: ['users:read'] });
    const noOrg = emu.issueToken({ type: 'user', scopes: ['admin'] });
    const app = emu.issueToken({ type: 'app', team: orgTeam(emu), scopes: ['admin'] });
    const cases: [string, number, string][] = [
      [noScope, 403, 'missing_scope'],
      [noOrg, 403, 'not_allowed_for_team'],
      [app, 403, 'missing_scope'],
      ['canary-not-a-token', 401, 'invalid_authentication'],
    ];
    for (const [token, status, error] of cases) {
      const scim = new SCIMClient(token, { baseUrl: emu.scimUrl });
      const err = await scim.users.search().catch((e: unknown) => e);
      scim.close();
      assert.ok(err instanceof SCIMError);
      assert.equal(err.status, status);
      assert.equal(err.error, error);
      assert.ok(!JSON.stringify(err).includes(token) && !String(err.stack).includes(token));
    }
    emu.revokeToken(noScope);
    const revoked = new SCIMClient(noScope, { baseUrl: emu.scimUrl });
    const err = await revoked.users.read('U0000000001').catch((e: unknown) => e);
    revoked.close();
    assert.ok(err instanceof SCIMError);
    assert.equal(err.error, 'token_revoked');
  });

  it('refuses bad arguments before sending anything', async () => {
    const scim = new SCIMClient(emu.tokens.admin, { baseUrl: emu.scimUrl });
    try {
      const before = emu.nextRequestSeq;
      await assert.rejects(scim.users.read('../Groups'), { code: 'slack_invalid_argument' });
      await assert.rejects(scim.users.search({ count: -1 }), { code: 'slack_invalid_argument' });
      await assert.rejects(scim.users.search({ startIndex: 0 }), { code: 'slack_invalid_argument' });
      await assert.rejects(scim.groups.patch('S0000000001', {}), { code: 'slack_invalid_argument' });
      assert.equal(emu.nextRequestSeq, before);
    } finally {
      scim.close();
    }
    assert.throws(() => new SCIMClient(''), { code: 'slack_invalid_argument' });
    assert.throws(() => new SCIMClient('x', { version: 'v3' as 'v1' }), { code: 'slack_invalid_argument' });
    assert.throws(() => new SCIMClient('x', { baseUrl: 'ftp://example.com/' }), { code: 'slack_invalid_argument' });
  });
});
