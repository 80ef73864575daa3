// Operators can see what happened: one log line per completed install (team, enterprise, scopes,
// never a token), per failed install and per failed event (with its reason code), through a real
// serve over HTTP; the same lines reach the terminal of `slackline serve` by default.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { jsonLogger } from '../../src/http/logger.js';
import { startServer } from '../../src/server/index.js';
import { CLI } from '../e2e/helpers.js';
import { control } from '../emulator/helpers.js';
import { signedHeaders } from '../events/signed.js';
import { callback, consent, startHarness, startInstall } from '../oauth/harness.js';

type Line = Record<string, unknown> & { level: string; event?: string; reason?: string; msg?: string };

function capture() {
  const raw: string[] = [];
  const logger = jsonLogger('debug', (line) => void raw.push(line));
  return { logger, raw, lines: () => raw.map((l) => JSON.parse(l) as Line) };
}

test('a completed install is one info line with team and scopes; its tokens appear in no line', async () => {
  const log = capture();
  const seen: unknown[] = [];
  const h = await startHarness({}, {}, { logger: log.logger, onInstalled: (i) => void seen.push(i) });
  try {
    const started = await startInstall(h);
    const done = await callback(consent(h, started), started.cookie);
    assert.equal(done.status, 200);
    const teamId = h.emulator.workspace.teamId;
    const installed = log.lines().filter((l) => l.event === 'installed');
    assert.equal(installed.length, 1, log.raw.join(''));
    assert.equal(installed[0]?.level, 'info');
    assert.equal(installed[0]?.teamId, teamId);
    assert.deepEqual(installed[0]?.botScopes, ['chat:write', 'channels:read']);
    assert.equal(seen.length, 1, 'onInstalled ran once');
    const auth = await h.server.installer.authorize({ enterpriseId: undefined, teamId, isEnterpriseInstall: false });
    const token = auth.botToken ?? '';
    assert.match(token, /^xoxb-/);
    const all = log.raw.join('');
    assert.ok(!all.includes(token), 'the bot token was logged');
    assert.ok(!all.includes(h.emulator.clientSecret), 'the client secret was logged');
    assert.doesNotMatch(all, /xox[a-z]-/);

    // A failed install: the page says little, the log line says why.
    const again = await startInstall(h);
    const refused = await callback(consent(h, again), 'slackline_state=someone-elses');
    assert.equal(refused.status, 400);
    const failed = log.lines().filter((l) => l.msg?.startsWith('installation failed'));
    assert.deepEqual(
      failed.map((l) => [l.level, l.reason]),
      [['warn', 'state_cookie_mismatch']],
    );
  } finally {
    await h.close();
  }
});

test('Slack failing the code exchange (HTTP 502) is an "exchange_failed" line with the error, not "Slack did not complete"', {
  timeout: 60_000,
}, async () => {
  const log = capture();
  const h = await startHarness({}, {}, { logger: log.logger });
  try {
    await control(h.emulator, 'POST', 'faults', { method: 'oauth.v2.access', kind: 'status', status: 502, times: 20 });
    const started = await startInstall(h);
    const done = await callback(consent(h, started), started.cookie);
    assert.equal(done.status, 502);
    assert.match(done.body, /could not be reached/);
    const line = log.lines().find((l) => l.reason === 'exchange_failed');
    assert.equal(line?.level, 'error', log.raw.join(''));
    assert.equal((line?.error as { code?: string } | undefined)?.code, 'slack_http_error', JSON.stringify(line));
    assert.ok(!log.raw.join('').includes(h.emulator.clientSecret));
  } finally {
    await h.close();
  }
});

test('onInstalled that throws: the install stands (success page, row saved) and the failure is logged', async () => {
  const log = capture();
  const h = await startHarness(
    {},
    {},
    {
      logger: log.logger,
      onInstalled: () => {
        throw new Error('welcome message failed for canary-secret-in-error xoxb-canary-in-error');
      },
    },
  );
  try {
    const started = await startInstall(h);
    const done = await callback(consent(h, started), started.cookie);
    assert.equal(done.status, 200);
    assert.match(done.body, /Installation completed/);
    const teamId = h.emulator.workspace.teamId;
    assert.ok(await h.store.findBot({ enterpriseId: undefined, teamId, isEnterpriseInstall: false }));
    const line = log.lines().find((l) => l.reason === 'on_installed_failed');
    assert.equal(line?.level, 'error');
    assert.doesNotMatch(log.raw.join(''), /xoxb-canary-in-error/);
  } finally {
    await h.close();
  }
});

test('a broken store: the install page is a 503 "try again later", an event is a 500; both are logged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-log-'));
  const log = capture();
  const secret = 'canary-signing-secret-log';
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    logger: log.logger,
    env: {
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'canary-client-secret-log',
      SLACK_SIGNING_SECRET: secret,
      SLACKLINE_DATABASE_URL: `sqlite:${join(dir, 'app.db')}`,
    },
  });
  try {
    await server.stores?.close(); // the database goes away under the running server
    const page = await fetch(server.installUrl);
    assert.equal(page.status, 503);
    assert.match(await page.text(), /Try again later/);
    const body = JSON.stringify({ type: 'event_callback', team_id: 'T0LOG', event_id: 'Ev0LOG', event: {} });
    const event = await fetch(new URL('/slack/events', server.url), {
      method: 'POST',
      body,
      headers: signedHeaders(secret, body),
    });
    assert.equal(event.status, 500);
    const codes = log.lines().map((l) => [l.level, l.reason]);
    assert.deepEqual(
      codes.filter(([, c]) => c === 'state_store_unavailable' || c === 'dedupe_failed'),
      [
        ['error', 'state_store_unavailable'],
        ['error', 'dedupe_failed'],
      ],
    );
    const unsigned = await fetch(new URL('/slack/events', server.url), { method: 'POST', body });
    assert.equal(unsigned.status, 401);
    assert.equal(log.lines().at(-1)?.reason, 'signature_missing');
    assert.ok(!log.raw.join('').includes(secret));
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('slackline serve logs to its terminal by default: the memory-store warning, then each failed event', {
  timeout: 30_000,
}, async () => {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'canary-client-secret-cli',
      SLACK_SIGNING_SECRET: 'canary-signing-secret-cli',
      SLACKLINE_DATABASE_URL: 'memory:',
    },
  });
  const stderr: Line[] = [];
  const next = (want: (l: Line) => boolean) =>
    new Promise<Line>((resolve, reject) => {
      const found = stderr.find(want);
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no such line in ${JSON.stringify(stderr)}`)), 10_000);
      lines.on('line', function look(raw: string) {
        const line = JSON.parse(raw) as Line;
        if (!want(line)) return;
        clearTimeout(timer);
        lines.off('line', look);
        resolve(line);
      });
    });
  const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
  lines.on('line', (raw) => stderr.push(JSON.parse(raw) as Line));
  try {
    const warning = await next((l) => l.event === 'memory_store');
    assert.equal(warning.level, 'warn');
    const listening = await next((l) => l.event === 'listening');
    const res = await fetch(`http://127.0.0.1:${listening.port}/slack/events`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 401);
    const refused = await next((l) => l.reason === 'signature_missing');
    assert.equal(refused.level, 'warn');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});

test('slackline dev logs each completed install on its terminal by default, without a token', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-dev-log-'));
  const child = spawn(process.execPath, [CLI, 'dev', '--port', '0', '--emulator-port', '0', '--headless', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, SLACKLINE_DATABASE_URL: `sqlite:${join(dir, 'dev.db')}` },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`dev exited with ${code}: ${stderr}`)));
    });
    const info = JSON.parse(line) as { headlessInstall: string; teamId: string };
    assert.equal(info.headlessInstall, 'completed');
    const lines = stderr
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line);
    const installed = lines.filter((l) => l.event === 'installed');
    assert.equal(installed.length, 1, stderr);
    assert.equal(installed[0]?.level, 'info');
    assert.equal(installed[0]?.teamId, info.teamId);
    assert.doesNotMatch(stderr, /xox[a-z]-/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a flood of refused requests costs 20 lines a minute; the next minute says how many were dropped', async () => {
  const log = capture();
  let now = Date.now();
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    logger: log.logger,
    clock: { now: () => now, scale: 1 },
    env: { SLACK_BOT_TOKEN: 'xoxb-canary-flood', SLACK_SIGNING_SECRET: 'canary-signing-secret-flood' },
  });
  try {
    const events = new URL('/slack/events', server.url);
    const refuse = async () => {
      const res = await fetch(events, { method: 'POST', body: '{}' });
      assert.equal(res.status, 401);
      await res.arrayBuffer();
    };
    for (let i = 0; i < 200; i++) await refuse();
    const refusedLines = () => log.lines().filter((l) => l.reason === 'signature_missing');
    assert.equal(refusedLines().length, 20);
    now += 60_000;
    await refuse();
    assert.equal(refusedLines().length, 21);
    assert.equal(refusedLines().at(-1)?.dropped, 180);
  } finally {
    await server.close();
  }
});
