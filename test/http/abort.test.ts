// One AbortSignal shared by many calls: all of them end when it fires, and Node never warns about
// a listener leak (each signal carries one real listener, however many calls wait on it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator } from '../../src/emulator/index.js';
import { WebClient } from '../../src/web/client.js';

test('100 in-flight and queued calls on one signal all end as aborted, without a MaxListeners warning', async () => {
  const emu = await startEmulator({ port: 0 });
  const client = new WebClient(emu.tokens.bot, { slackApiUrl: emu.apiUrl });
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    emu.addFault({ kind: 'hang', method: 'conversations.list' });
    const controller = new AbortController();
    // conversations.list is Tier 2: a few go out (and hang), the rest wait in the limiter's queue.
    const calls = Array.from({ length: 100 }, () =>
      client.conversations.list({}, { signal: controller.signal }).then(
        () => 'sent',
        (e: { reason?: string }) => e.reason,
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    controller.abort();
    const outcomes = await Promise.all(calls);
    assert.ok(Date.now() - t0 < 500, 'the abort did not end the calls promptly');
    assert.deepEqual(new Set(outcomes), new Set(['aborted']));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
    client.core.close();
    await emu.close();
  }
});
