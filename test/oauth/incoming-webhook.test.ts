// incoming-webhook end to end: Add to Slack through serve, the emulator's consent picks #random, the
// webhook URL is stored sealed in SQLite, and IncomingWebhook posts into that channel.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HttpCore } from '../../src/http/core.js';
import { openSqlite } from '../../src/stores/sqlite/index.js';
import { IncomingWebhook } from '../../src/webhook/index.js';
import { callback, startHarness, startInstall } from './harness.js';

test('install with incoming-webhook → the URL is stored sealed → IncomingWebhook.send posts into the chosen channel', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-webhook-'));
  const path = join(dir, 'app.db');
  const h = await startHarness({
    SLACKLINE_DATABASE_URL: `sqlite:${path}`,
    SLACK_SCOPES: 'incoming-webhook,chat:write',
  });
  try {
    const teamId = h.emulator.workspace.teamId;
    const random = [...h.emulator.state.channels.values()].find((c) => c.name === 'random' && c.teamId === teamId);
    assert.ok(random);
    const started = await startInstall(h);
    assert.match(new URL(started.authorizeUrl).searchParams.get('scope') ?? '', /incoming-webhook/);
    const { location } = h.emulator.install.approve(started.authorizeUrl, { channel: random.id });
    const done = await callback(location, started.cookie);
    assert.equal(done.status, 200, done.body);

    const query = { enterpriseId: null, teamId, isEnterpriseInstall: false };
    const hook = (await h.store.findBot(query))?.incomingWebhook;
    assert.ok(hook);
    assert.equal(hook.channelId, random.id);
    assert.equal(hook.channel, '#random');
    assert.ok(hook.url.startsWith(`${h.emulator.url}services/${teamId}/`));

    // At rest: the URL's secret path is in no column of any row, current or history.
    const db = openSqlite(path);
    try {
      const rows = db.prepare('SELECT * FROM slackline_installations').all();
      const history = db.prepare('SELECT * FROM slackline_installation_history').all();
      assert.equal(rows.length, 1);
      const secretPath = new URL(hook.url).pathname;
      assert.ok(!JSON.stringify([rows, history]).includes(secretPath), 'the webhook URL is sealed');
      assert.ok(JSON.stringify(rows).includes(random.id), 'the channel id is plain metadata');
    } finally {
      db.close();
    }

    const core = new HttpCore();
    const webhook = new IncomingWebhook(hook.url, { core });
    try {
      const text = `hi ${Date.now()}`;
      assert.deepEqual(await webhook.send(text), { text: 'ok', status: 200 });
      const last = h.emulator.messages(random.id).at(-1);
      assert.equal(last?.text, text);
      assert.ok(!h.emulator.messages('general').some((m) => m.text === text), 'only the chosen channel');
    } finally {
      core.close();
    }
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
