// SLACKLINE_STATE_URL=redis://...: two serve instances (each with its own in-memory database, so only
// Redis is shared) — the install starts on A, Slack redirects to B, and B consumes A's state once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createClient } from 'redis';
import { startEmulator } from '../../src/emulator/index.js';
import { startServer } from '../../src/server/index.js';
import { needService } from '../helpers/services.js';
import { addToSlackHref, emulatorEnv } from './harness.js';

test('Redis state store through serve: started on one instance, consumed once on another', async (t) => {
  const redisUrl = await needService(t, 'redis');
  if (redisUrl === undefined) return;
  const prefix = `slackline-test:${randomBytes(6).toString('hex')}:`;
  const emulator = await startEmulator({});
  const env = {
    ...emulatorEnv(emulator),
    SLACK_SCOPES: 'chat:write',
    SLACKLINE_DATABASE_URL: 'memory:',
    SLACKLINE_STATE_URL: redisUrl,
    SLACKLINE_REDIS_PREFIX: prefix,
  };
  const b = await startServer({ port: 0, host: '127.0.0.1', env });
  const redirectUri = new URL('/slack/oauth_redirect', b.url).href;
  const a = await startServer({ port: 0, host: '127.0.0.1', env: { ...env, SLACK_REDIRECT_URI: redirectUri } });
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  try {
    assert.match(b.stores?.description ?? '', /states and event ids in Redis/);
    emulator.install.configureApp(emulator.clientId, { redirectUrls: [redirectUri] });
    const page = await fetch(`http://127.0.0.1:${a.port}/slack/install`);
    const href = addToSlackHref(await page.text());
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const state = cookie.split('=')[1] ?? '';
    assert.match(state, /^[A-Za-z0-9_-]{43}$/);
    const ttl = await redis.pTTL(`${prefix}state:${state}`);
    assert.ok(ttl > 0 && ttl <= 600_000, `the state expires in Redis (PTTL ${ttl})`);

    assert.equal(new URL(href).searchParams.get('state'), state);
    const { location } = emulator.install.approve(href);
    assert.ok(location.startsWith(redirectUri));
    const results = await Promise.all(
      Array.from({ length: 10 }, () => fetch(location, { headers: { cookie }, redirect: 'manual' })),
    );
    await Promise.all(results.map((r) => r.text()));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, ...Array(9).fill(400)]);
    assert.equal(emulator.install.exchanges().length, 1);
    assert.equal(await redis.exists(`${prefix}state:${state}`), 0, 'consumed');
    const teamId = emulator.workspace.teamId;
    const auth = await b.installer.authorize({ enterpriseId: undefined, teamId, isEnterpriseInstall: false });
    assert.match(auth.botToken ?? '', /^xoxb-/);
  } finally {
    await redis.close();
    await a.close();
    await b.close();
    await emulator.close();
  }
});
