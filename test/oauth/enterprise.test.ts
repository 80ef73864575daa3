// Org-wide installs through the emulator: stored with team null, found for the org, and removed
// when the emulator delivers app_uninstalled for the org.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callback, consent, type Harness, startHarness, startInstall } from './harness.js';

let h: Harness;
let enterpriseId: string;
before(async () => {
  h = await startHarness();
  enterpriseId = h.emulator.install.addEnterprise({ name: 'Starship', workspaces: ['Bridge', 'Engineering'] }).id;
});
after(() => h.close());

test('an org-wide install is stored with team null, authorizes for the org, and apps.uninstall removes it', async () => {
  const started = await startInstall(h);
  const done = await callback(consent(h, started, true, enterpriseId), started.cookie);
  assert.equal(done.status, 200, done.body);
  const q = { enterpriseId, teamId: null, isEnterpriseInstall: true };
  const inst = await h.store.findBot(q);
  assert.equal(inst?.teamId, null);
  assert.equal(inst?.isEnterpriseInstall, true);
  assert.ok((await h.store.list()).items.some((i) => i.enterpriseId === enterpriseId && i.teamId === null));
  const auth = await h.server.installer.authorize({ enterpriseId, teamId: 'T0ANYWS', isEnterpriseInstall: true });
  assert.match(auth.botToken ?? '', /^xoxb-/);

  const client = await h.server.installer.clientFor(q);
  await client.apps.uninstall({ client_id: h.emulator.clientId, client_secret: h.emulator.clientSecret });
  await h.emulator.install.deliveriesIdle();
  assert.equal(await h.store.findBot(q), undefined);
  await assert.rejects(h.server.installer.authorize(q), /no installation/);
});
