// SCIM changes land in the audit log: a user created and deactivated through SCIM are two entries,
// with the admin whose token made them as the actor.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

let emu: Emulator;
before(async () => {
  emu = await startEmulator();
});
after(() => emu.close());

test('SCIM user_created and user_deactivated are audit entries with the admin as actor', async () => {
  const auth = { authorization: `Bearer ${emu.tokens.admin}` };
  const created = await fetch(`${emu.scimUrl}v2/Users`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/scim+json' },
    body: JSON.stringify({ userName: 'audited', emails: [{ value: 'audited@example.com', primary: true }] }),
  });
  assert.equal(created.status, 201);
  const { id } = (await created.json()) as { id: string };
  assert.equal((await fetch(`${emu.scimUrl}v2/Users/${id}`, { method: 'DELETE', headers: auth })).status, 204);
  const res = await fetch(`${emu.auditUrl}logs?action=user_created,user_deactivated`, { headers: auth });
  assert.equal(res.status, 200);
  const { entries } = (await res.json()) as {
    entries: { action: string; actor: { user?: { id: string } }; entity: { user?: { id: string } } }[];
  };
  const mine = entries.filter((e) => e.entity.user?.id === id);
  assert.deepEqual(mine.map((e) => e.action).sort(), ['user_created', 'user_deactivated']);
  const admin = emu.state.tokens.get(emu.tokens.admin)?.userId;
  for (const e of mine) assert.equal(e.actor.user?.id, admin);
});
