// Retries across processes: two `serve` instances on one database (or one Redis), each with its own
// pool or client, get the same event_id (the original on one, Slack's retry on the other): the user
// handler runs once in all.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import type { EventEnvelope } from '../../src/events/handler.js';
import { type RunningServer, startServer } from '../../src/server/index.js';
import { PostgresDatabase } from '../../src/stores/postgres/index.js';
import { needService } from '../helpers/services.js';
import { signedHeaders } from './signed.js';

const SECRET = 'canary-signing-secret';

async function post(server: RunningServer, body: string, retry?: number): Promise<number> {
  const res = await fetch(new URL('/slack/events', server.url), {
    method: 'POST',
    body,
    headers: signedHeaders(SECRET, body, { retry }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function twoServers(env: NodeJS.ProcessEnv) {
  const calls: string[] = [];
  const onEvent = (e: EventEnvelope) => void calls.push(String(e.event_id));
  const base = {
    SLACK_CLIENT_ID: '1.2',
    SLACK_CLIENT_SECRET: 'canary-client-secret',
    SLACK_SIGNING_SECRET: SECRET,
    SLACKLINE_ENCRYPTION_KEYS: KeyRing.generateSpec('dedupe'),
    ...env,
  };
  const a = await startServer({ port: 0, host: '127.0.0.1', env: base, onEvent });
  const b = await startServer({ port: 0, host: '127.0.0.1', env: base, onEvent });
  let closing: Promise<unknown> | undefined;
  // Closing waits for the user handlers; once only.
  const close = () => (closing ??= Promise.all([a.close(), b.close()]));
  return { a, b, calls, close };
}

async function retriedAcross(env: NodeJS.ProcessEnv) {
  const { a, b, calls, close } = await twoServers(env);
  try {
    const ids = Array.from({ length: 5 }, () => `Ev${randomBytes(5).toString('hex').toUpperCase()}`);
    for (const id of ids) {
      const body = JSON.stringify({
        type: 'event_callback',
        team_id: 'T0DEDUPE',
        event_id: id,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'message', text: 'once' },
      });
      // The original on A, then Slack's retries on B and A, and two retries racing on both.
      assert.equal(await post(a, body), 200);
      assert.equal(await post(b, body, 1), 200);
      assert.equal(await post(a, body, 2), 200);
      assert.deepEqual(await Promise.all([post(a, body, 3), post(b, body, 3)]), [200, 200]);
    }
    await close();
    assert.deepEqual(calls.sort(), ids.sort());
  } finally {
    await close();
  }
}

test('SQLite file: an event retried on another serve instance runs the handler once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-dedupe-'));
  try {
    await retriedAcross({ SLACKLINE_DATABASE_URL: `sqlite:${join(dir, 'app.db')}` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SQLite file: fresh events delivered 4 times at once across two serve instances run the handler once each', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-dedupe-'));
  const { a, b, calls, close } = await twoServers({ SLACKLINE_DATABASE_URL: `sqlite:${join(dir, 'app.db')}` });
  try {
    const ids = Array.from({ length: 10 }, () => `Ev${randomBytes(5).toString('hex').toUpperCase()}`);
    const bodies = ids.map((id) =>
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T0DEDUPE',
        event_id: id,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'message', text: 'once' },
      }),
    );
    // Every copy in flight together: copies on one instance fall in one batch of claims, copies on
    // the other race it through the file.
    const statuses = await Promise.all(
      bodies.flatMap((body) => [post(a, body), post(b, body), post(a, body, 1), post(b, body, 1)]),
    );
    assert.deepEqual(
      statuses,
      statuses.map(() => 200),
    );
    await close();
    assert.deepEqual(calls.sort(), ids.sort());
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL: an event retried on another serve instance runs the handler once', async (t) => {
  const url = await needService(t, 'postgres');
  if (url === undefined) return;
  const schema = `slackline_dedupe_${process.pid}_${randomBytes(3).toString('hex')}`;
  try {
    await retriedAcross({ SLACKLINE_DATABASE_URL: url, SLACKLINE_DATABASE_SCHEMA: schema });
  } finally {
    const db = new PostgresDatabase({ connectionString: url });
    await db.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
  }
});

test('Redis (SLACKLINE_STATE_URL): an event retried on another serve instance runs the handler once', async (t) => {
  const url = await needService(t, 'redis');
  if (url === undefined) return;
  // Each instance has its own in-memory database: only Redis is shared.
  await retriedAcross({
    SLACKLINE_DATABASE_URL: 'memory:',
    SLACKLINE_STATE_URL: url,
    SLACKLINE_REDIS_PREFIX: `slackline-test:${randomBytes(6).toString('hex')}:`,
  });
});

test('SLACKLINE_STATE_URL must be a Redis URL that answers: serve refuses to start, naming it', async () => {
  const env = { SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'x', SLACKLINE_DATABASE_URL: 'memory:' };
  await assert.rejects(
    startServer({ port: 0, host: '127.0.0.1', env: { ...env, SLACKLINE_STATE_URL: 'http://x' } }),
    /SLACKLINE_STATE_URL must start with redis:\/\//,
  );
  // Nothing listens on port 1: a clear error rather than a server that hangs while reconnecting.
  await assert.rejects(
    startServer({ port: 0, host: '127.0.0.1', env: { ...env, SLACKLINE_STATE_URL: 'redis://127.0.0.1:1' } }),
    /SLACKLINE_STATE_URL: Redis at 127\.0\.0\.1:1 is not reachable/,
  );
});
