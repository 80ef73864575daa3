// The ack stays inside Slack's 3 s when the store is slow: app_uninstalled's deletion on a real
// SQLite store made slow on purpose (a subclass that waits before each conditional delete) finishes after the 200.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyRing } from '../../src/crypto/index.js';
import { createEventsHandler } from '../../src/events/handler.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import type { DeleteScope, InstallationQuery } from '../../src/oauth/types.js';
import { SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { WebClient } from '../../src/web/client.js';
import { install } from '../stores/conformance.js';
import { signedHeaders } from './signed.js';

const SECRET = 'canary-signing-secret';
const SLOW_MS = 4_000;

class SlowSqliteStore extends SqliteInstallationStore {
  deletes = 0;
  /** Deletes that fail (after the wait) before one succeeds. */
  failures = 0;
  override async deleteInstalledUpTo(query: InstallationQuery, what: DeleteScope, upTo: number) {
    await sleep(SLOW_MS);
    if (this.failures-- > 0) throw new Error('database unavailable');
    const outcome = await super.deleteInstalledUpTo(query, what, upTo);
    this.deletes++;
    return outcome;
  }
}

function signed(body: string, retry?: number): Request {
  return new Request('https://app.example/slack/events', {
    method: 'POST',
    body,
    headers: signedHeaders(SECRET, body, { retry }),
  });
}

async function slowUninstall(failures: number) {
  const store = new SlowSqliteStore(':memory:', { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  store.failures = failures;
  const errors: unknown[] = [];
  const client = new WebClient();
  const authority = new InstallationAuthority(store, { scopes: [], client });
  const seen: string[] = [];
  const handler = createEventsHandler({
    signingSecret: SECRET,
    authority,
    onEvent: (e) => void seen.push(String(e.event_id)),
    onError: (e) => void errors.push(e),
  });
  try {
    await store.save(install({ team: 'T0SLOW' }));
    const q = { enterpriseId: null, teamId: 'T0SLOW', isEnterpriseInstall: false };
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T0SLOW',
      event_id: 'Ev0SLOW',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_uninstalled' },
    });
    const started = performance.now();
    const res = await handler(signed(body));
    const elapsed = performance.now() - started;
    assert.equal(res.status, 200);
    assert.ok(elapsed < 3_000, `acked after ${Math.round(elapsed)} ms`);
    assert.equal(store.deletes, 0, 'the deletion was still under way at the ack');
    // Slack's retry while the deletion runs: acked, not processed twice.
    assert.equal((await handler(signed(body, 1))).status, 200);
    await handler.idle();
    assert.equal(store.deletes, 1);
    assert.equal(await store.findBot(q), undefined);
    await assert.rejects(authority.authorize(q), /no installation/);
    assert.deepEqual(seen, ['Ev0SLOW'], 'the user handler ran once, after the bookkeeping');
    assert.equal(errors.length, failures, 'each failed attempt was reported');
  } finally {
    await store.close();
    client.core.close();
  }
}

test(
  'a slow store: app_uninstalled is acked within 3 s, the rows still go, the handler runs once',
  {
    timeout: 30_000,
  },
  () => slowUninstall(0),
);

test(
  'a slow store that fails after the ack: the deletion is tried again in the background',
  {
    timeout: 60_000,
  },
  () => slowUninstall(1),
);

test('bookkeeping that fails within the deadline is a 500 and the retry is processed', async () => {
  class FailingOnce extends SqliteInstallationStore {
    failures = 1;
    override async deleteInstalledUpTo(query: InstallationQuery, what: DeleteScope, upTo: number) {
      if (this.failures-- > 0) throw new Error('database unavailable');
      return super.deleteInstalledUpTo(query, what, upTo);
    }
  }
  const store = new FailingOnce(':memory:', { keys: new KeyRing([{ id: 'k', key: randomBytes(32) }]) });
  const client = new WebClient();
  const errors: unknown[] = [];
  const handler = createEventsHandler({
    signingSecret: SECRET,
    authority: new InstallationAuthority(store, { scopes: [], client }),
    onError: (e) => void errors.push(e),
  });
  try {
    await store.save(install({ team: 'T0FAIL' }));
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T0FAIL',
      event_id: 'Ev0FAIL',
      event: { type: 'app_uninstalled' },
    });
    assert.equal((await handler(signed(body))).status, 500);
    assert.equal(errors.length, 1);
    assert.equal((await handler(signed(body, 1))).status, 200);
    await handler.idle();
    assert.equal(await store.findBot({ enterpriseId: null, teamId: 'T0FAIL', isEnterpriseInstall: false }), undefined);
  } finally {
    await store.close();
    client.core.close();
  }
});
