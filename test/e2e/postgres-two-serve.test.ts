// Many machines: two `slackline serve` processes on one PostgreSQL. The install starts on one and
// the callback lands on the other, so the state made by one process is consumed by the other.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { PostgresDatabase } from '../../src/stores/postgres/index.js';
import { needService } from '../helpers/services.js';
import { chromiumMissing, launchChromium, runCli, spawnCli, stop } from './helpers.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('PostgreSQL: install on one serve process, callback on another, then post with the stored token', {
  timeout: 120_000,
}, async (t) => {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  const missing = chromiumMissing();
  if (missing !== undefined) return t.skip(missing);
  const schema = `slackline_e2e_${process.pid}_${randomBytes(3).toString('hex')}`;
  const portB = await freePort();
  const redirectUri = `http://localhost:${portB}/slack/oauth_redirect`;
  const emulator = await startEmulator({});
  emulator.install.configureApp(emulator.clientId, { redirectUrls: [redirectUri] });
  const env = {
    SLACK_CLIENT_ID: emulator.clientId,
    SLACK_CLIENT_SECRET: emulator.clientSecret,
    SLACK_API_URL: emulator.apiUrl,
    SLACK_AUTHORIZE_URL: `${emulator.url}oauth/v2/authorize`,
    SLACK_SCOPES: 'chat:write',
    SLACK_REDIRECT_URI: redirectUri,
    SLACK_BOT_TOKEN: '',
    SLACKLINE_DATABASE_URL: url,
    SLACKLINE_DATABASE_SCHEMA: schema,
    SLACKLINE_ENCRYPTION_KEYS: KeyRing.generateSpec('e2e'),
    HOST: '127.0.0.1',
  };
  const a = await spawnCli(['serve', '--port', '0'], env);
  const b = await spawnCli(['serve', '--port', String(portB)], env);
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    const portA = Number(/port (\d+)/.exec(a.line)?.[1]);
    assert.notEqual(portA, portB);
    chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    await page.goto(`http://localhost:${portA}/slack/install`);
    await page.click('#add-to-slack');
    await page.click('#allow');
    await page.waitForURL((u) => u.port === String(portB) && u.pathname === '/slack/oauth_redirect');
    assert.equal(await page.textContent('h1'), 'Installation completed');
    assert.equal(emulator.install.exchanges().length, 1);

    const teamId = emulator.workspace.teamId;
    const text = `posted through PostgreSQL ${Date.now()}`;
    const posted = await runCli(['api', 'chat.postMessage', 'channel=general', `text=${text}`, '--team', teamId], env);
    assert.equal(posted.code, 0, posted.stderr);
    assert.ok(emulator.messages('general').some((m) => m.text === text));
  } finally {
    await chromium?.close();
    await stop(a.child);
    await stop(b.child);
    await emulator.close();
    const db = new PostgresDatabase({ connectionString: url });
    await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
  }
});
