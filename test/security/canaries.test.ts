// Redaction canaries: a value of every secret kind is planted (or issued by the emulator and learnt),
// then every door a secret could leave by is driven at debug level, success and failure paths: the
// Installer (its log lines, its pages, its errors), the events handler, the stores, the Web API
// client, `slackline serve` and `slackline dev` (stdout and stderr), and every CLI command. Every byte
// each door produced is kept, and each door is checked for each canary: 0 occurrences.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { KeyRing } from '../../src/crypto/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { jsonLogger } from '../../src/http/logger.js';
import type { InstallationQuery } from '../../src/oauth/types.js';
import { startServer } from '../../src/server/index.js';
import { openStores } from '../../src/server/stores.js';
import { openSqlite, SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { WebClient } from '../../src/web/client.js';
import { IncomingWebhook } from '../../src/webhook/index.js';
import { CLI, runCli } from '../e2e/helpers.js';
import { control } from '../emulator/helpers.js';
import { signedHeaders } from '../events/signed.js';
import { emulatorEnv } from '../oauth/harness.js';
import { clockOf, nearExpiry, spendRefreshToken, TWELVE_HOURS } from '../oauth/rotation-helpers.js';

/** What each door let out: every log line, page, output and inspected error, by door. */
class Doors {
  readonly texts = new Map<string, string[]>();
  record(door: string, ...texts: unknown[]): void {
    const list = this.texts.get(door) ?? [];
    for (const t of texts) list.push(typeof t === 'string' ? t : inspect(t, { depth: 8, showHidden: true }));
    this.texts.set(door, list);
  }
  logger(door: string) {
    return jsonLogger('debug', (line) => this.record(door, line));
  }
  /** Runs `fn`; what it throws (inspected, with its message, stack and causes) is this door's. */
  async errorOf(door: string, fn: () => Promise<unknown>): Promise<unknown> {
    try {
      await fn();
    } catch (err) {
      this.record(door, err, String(err), err instanceof Error ? (err.stack ?? '') : '');
      return err;
    }
    assert.fail(`${door}: expected a failure`);
  }
  async cli(door: string, args: string[], env: NodeJS.ProcessEnv, expectCode?: number) {
    const run = await runCli(args, { SLACKLINE_LOG_LEVEL: 'debug', ...env });
    this.record(door, run.stdout, run.stderr);
    if (expectCode !== undefined) assert.equal(run.code, expectCode, `${door}: ${run.stdout}${run.stderr}`);
    return run;
  }
}

/** A long-running command (serve, dev) with stdout and stderr both kept until SIGTERM. */
function spawnKept(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLACKLINE_LOG_LEVEL: 'debug', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    out: () => stdout,
    async until(pattern: RegExp): Promise<string> {
      for (let i = 0; i < 600 && !pattern.test(stdout); i++) {
        if (child.exitCode !== null) throw new Error(`exited early: ${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const match = pattern.exec(stdout);
      if (match === null) throw new Error(`no ${pattern} in ${stdout}${stderr}`);
      return match[1] ?? match[0];
    },
    async stop(): Promise<{ stdout: string; stderr: string }> {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      return { stdout, stderr };
    },
  };
}

/** The install steps a browser does, against any install URL: page, consent, callback. */
async function browserInstall(
  installUrl: string,
  approve: (url: string) => { location: string },
  options: { cookie?: string } = {},
) {
  const res = await fetch(installUrl);
  const page = await res.text();
  const cookie = options.cookie ?? (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const href = /href="([^"]+)"/.exec(page)?.[1]?.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  const { location } = approve(href ?? '');
  const done = await fetch(location, { headers: { cookie }, redirect: 'manual' });
  return { page, location, status: done.status, body: await done.text(), headers: [...done.headers].join('\n') };
}

/** Plants the canaries, drives every door, and returns what each door let out and every canary. */
async function drive(): Promise<{ doors: Doors; canaries: Map<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-canaries-'));
  const doors = new Doors();
  // Planted canaries: obvious, of each shape; the shapeless ones must be known to be caught.
  const keySpec = KeyRing.generateSpec('canary');
  const canaries = new Map<string, string>([
    ['planted bot token', 'xoxb-0000-canary-planted-bot'],
    ['planted user token', 'xoxp-0000-canary-planted-user'],
    ['planted refresh token', 'xoxe-1-canary-planted-refresh'],
    ['planted app token', 'xapp-1-A0CANARY-canary-planted-app'],
    ['planted configuration token', 'xoxe.xoxp-1-canary-planted-config'],
    ['planted rotating bot token', 'xoxe.xoxb-1-canary-planted-rotating'],
    ['planted webhook secret', 'canaryPlantedWebhookPath0'],
    ['client secret', 'canary0client0secret0f00f00f00f00'],
    ['signing secret', 'canary0signing0secret0b00b00b00b0'],
    ['encryption key', keySpec.slice(keySpec.indexOf(':') + 1)],
  ]);
  const planted = (kind: string) => canaries.get(kind) ?? assert.fail(kind);
  const plantedHook = `https://hooks.slack.com/services/T0CANARY/B0CANARY/${planted('planted webhook secret')}`;
  const learn = (kind: string, value: string | undefined) => {
    assert.ok(value !== undefined && value.length >= 8, `${kind} was learnt`);
    canaries.set(kind, value);
  };

  const emu = await startEmulator({
    app: {
      tokenRotation: true,
      clientSecret: planted('client secret'),
      signingSecret: planted('signing secret'),
    },
  });
  learn('emulator bot token', emu.tokens.bot);
  learn('emulator user token', emu.tokens.user);
  learn('emulator app token', emu.tokens.app);
  learn('emulator admin token', emu.tokens.admin);
  const db = join(dir, 'app.db');
  const storeEnv = { SLACKLINE_DATABASE_URL: `sqlite:${db}`, SLACKLINE_ENCRYPTION_KEYS: keySpec };
  const appEnv = {
    ...emulatorEnv(emu),
    ...storeEnv,
    SLACK_SIGNING_SECRET: planted('signing secret'),
    SLACK_SCOPES: 'incoming-webhook,chat:write,channels:read',
    SLACK_USER_SCOPES: 'users:read',
  };
  const teamId = emu.workspace.teamId;
  const closers: (() => Promise<void>)[] = [];
  const query: InstallationQuery = { enterpriseId: undefined, teamId, isEnterpriseInstall: false };

  try {
    // --- oauth + events + stores, in process: startServer with a debug logger on every record.
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      env: appEnv,
      clock: clockOf(emu),
      logger: doors.logger('server log (in process)'),
      onEvent: () => {
        throw new Error(`handler failed with ${planted('planted bot token')} and ${plantedHook}`);
      },
    });
    emu.install.configureApp(emu.clientId, {
      redirectUrls: [new URL('/slack/oauth_redirect', server.url).href],
      eventsUrl: new URL('/slack/events', server.url).href,
    });
    const random = [...emu.state.channels.values()].find((c) => c.name === 'random' && c.teamId === teamId);
    const approve = (url: string) => {
      const answer = emu.install.approve(url, { channel: random?.id ?? '' });
      canaries.set(`oauth code ${canaries.size}`, new URL(answer.location).searchParams.get('code') ?? '');
      return answer;
    };
    try {
      const done = await browserInstall(server.installUrl, approve);
      assert.equal(done.status, 200, done.body);
      doors.record('oauth pages', done.page, done.body, done.headers);
      const installed = await server.stores?.installations.findBot(query);
      learn('installed rotating bot token', installed?.bot?.token);
      learn('installed bot refresh token', installed?.bot?.refreshToken);
      learn('installed webhook URL', installed?.incomingWebhook?.url);
      learn('installed webhook secret', installed?.incomingWebhook?.url.split('/').at(-1));
      const user = await server.stores?.installations.findInstallation({ ...query, userId: installed?.user.id });
      learn('installed rotating user token', user?.user?.token);
      learn('installed user refresh token', user?.user?.refreshToken);

      // Failures: a replayed callback, someone else's cookie, Cancel, Slack failing the exchange.
      const replay = await fetch(done.location, { redirect: 'manual' });
      doors.record('oauth pages', await replay.text());
      const stranger = await browserInstall(server.installUrl, approve, { cookie: 'slackline_state=someone-elses' });
      doors.record('oauth pages', stranger.body, stranger.headers);
      const cancelled = await browserInstall(server.installUrl, (url) => emu.install.approve(url, { allow: false }));
      doors.record('oauth pages', cancelled.body, cancelled.headers);
      await control(emu, 'POST', 'faults', { method: 'oauth.v2.access', kind: 'status', status: 502, times: 20 });
      const failing = await browserInstall(server.installUrl, approve);
      assert.equal(failing.status, 502);
      doors.record('oauth pages', failing.body);
      await control(emu, 'DELETE', 'faults');
      await control(emu, 'POST', 'faults', { method: 'oauth.v2.access', kind: 'error', error: 'invalid_code' });
      const refused = await browserInstall(server.installUrl, approve);
      doors.record('oauth pages', refused.body);
      await control(emu, 'DELETE', 'faults');

      // authorize(): a refresh when due, then a refresh Slack refuses (needs reinstall), a team never installed.
      nearExpiry(emu);
      const fresh = await server.installer.authorize(query);
      learn('refreshed bot token', fresh.botToken);
      doors.record('oauth errors', fresh);
      const after = await server.stores?.installations.findBot(query);
      learn('refreshed bot refresh token', after?.bot?.refreshToken);
      await spendRefreshToken(emu, after?.bot?.refreshToken);
      emu.state.clock.offsetMs = 2 * TWELVE_HOURS;
      await doors.errorOf('oauth errors', () => server.installer.authorize(query));
      await doors.errorOf('oauth errors', () =>
        server.installer.authorize({ enterpriseId: undefined, teamId: 'T0NOPE', isEnterpriseInstall: false }),
      );
      emu.state.clock.offsetMs = 0;

      // Events: unsigned, wrongly signed, signed with a secret in the body, a handler that throws.
      const events = new URL('/slack/events', server.url);
      const body = JSON.stringify({
        type: 'event_callback',
        token: planted('planted bot token'),
        team_id: teamId,
        event_id: 'Ev0CANARY',
        event: { type: 'app_mention', text: `leak ${planted('planted user token')} ${plantedHook}` },
      });
      for (const headers of [
        { 'content-type': 'application/json' },
        signedHeaders('not-the-signing-secret', body),
        signedHeaders(planted('signing secret'), body),
        signedHeaders(planted('signing secret'), body, { ts: 1 }),
      ]) {
        const res = await fetch(events, { method: 'POST', body, headers });
        doors.record('events responses', await res.text(), [...res.headers].join('\n'));
      }
    } finally {
      await server.close();
    }

    // --- stores: rows under a key this ring lacks, a closed database, a database that is not there.
    const other = new SqliteInstallationStore(openSqlite(db), { keys: KeyRing.parse(KeyRing.generateSpec('other')) });
    await doors.errorOf('stores errors', () => other.findBot(query));
    await doors.errorOf('stores errors', async () => {
      const stores = await openStores(storeEnv, { create: false });
      await stores.close();
      return stores.installations.findBot(query);
    });
    await doors.errorOf('stores errors', () =>
      openStores(
        { ...storeEnv, SLACKLINE_DATABASE_URL: 'postgres://canary:canary0db0password0@127.0.0.1:9/none' },
        { create: false },
      ).then((s) => s.installations.findBot(query)),
    );
    await doors.errorOf('stores errors', () =>
      openStores({ ...storeEnv, SLACKLINE_ENCRYPTION_KEYS: `bad:${planted('client secret')}` }),
    );
    canaries.set('database password', 'canary0db0password0');

    // --- the Web API client and the webhook, with a debug logger.
    const web = new WebClient(planted('planted bot token'), {
      slackApiUrl: emu.apiUrl,
      logger: doors.logger('web client'),
    });
    await doors.errorOf('web client', () => web.auth.test());
    await doors.errorOf('web client', () =>
      web.chat.postMessage({ channel: 'C0NOPE', text: plantedHook, token: planted('planted user token') }),
    );
    const hook = new IncomingWebhook(`${emu.url}services/${teamId}/B0CANARY/${planted('planted webhook secret')}`, {
      logger: doors.logger('webhook'),
    });
    await doors.errorOf('webhook', () => hook.send({ text: 'hello' }));

    // --- `slackline serve`: its own log lines at debug, an install, events good and bad.
    const serveDb = join(dir, 'serve.db');
    const serveEnv = { ...appEnv, SLACKLINE_DATABASE_URL: `sqlite:${serveDb}` };
    const serve = spawnKept(['serve', '--port', '0', '--host', '127.0.0.1'], serveEnv);
    try {
      const installUrl = await serve.until(/install: (\S+)/);
      emu.install.configureApp(emu.clientId, { redirectUrls: [new URL('/slack/oauth_redirect', installUrl).href] });
      const done = await browserInstall(installUrl, approve);
      assert.equal(done.status, 200, done.body);
      const served = new SqliteInstallationStore(openSqlite(serveDb), { keys: KeyRing.parse(keySpec) });
      learn('serve bot token', (await served.findBot(query))?.bot?.token);
      const events = new URL('/slack/events', installUrl);
      const body = JSON.stringify({ type: 'event_callback', team_id: teamId, event_id: 'Ev1CANARY', event: {} });
      await fetch(events, { method: 'POST', body, headers: signedHeaders('wrong', body) });
      await fetch(events, { method: 'POST', body, headers: signedHeaders(planted('signing secret'), body) });
    } finally {
      const out = await serve.stop();
      doors.record('serve stdout+stderr', out.stdout, out.stderr);
    }
    const badServe = await doors.cli('serve (failing)', ['serve', '--port', '0'], {
      ...serveEnv,
      SLACK_SIGNING_SECRET: '',
      SLACKLINE_ENCRYPTION_KEYS: `k1:${planted('client secret')}`,
    });
    assert.notEqual(badServe.code, 0);
    // Database and Redis URLs with a password, not reachable: every command that opens the store fails.
    const unreachableStores = {
      ...serveEnv,
      SLACKLINE_DATABASE_URL: 'postgres://canary:canary0db0password0@127.0.0.1:9/none',
    };
    const unreachableRedis = { ...serveEnv, SLACKLINE_STATE_URL: 'redis://:canary0redis0password0@127.0.0.1:9' };
    canaries.set('redis password', 'canary0redis0password0');
    for (const env of [unreachableStores, unreachableRedis]) {
      assert.notEqual((await doors.cli('serve (failing)', ['serve', '--port', '0'], env)).code, 0);
      await doors.cli('cli doctor', ['doctor'], env);
      await doors.cli('cli installations', ['installations', 'list'], env);
    }

    // --- `slackline dev --headless`: its own emulator, our store and key; what it installed is learnt.
    const devDb = join(dir, 'dev.db');
    const dev = spawnKept(['dev', '--port', '0', '--emulator-port', '0', '--headless', '--json'], {
      ...serveEnv,
      SLACKLINE_DATABASE_URL: `sqlite:${devDb}`,
      SLACK_BOT_TOKEN: planted('planted bot token'),
    });
    try {
      await dev.until(/"headlessInstall":"completed"/);
      const devStore = new SqliteInstallationStore(openSqlite(devDb), { keys: KeyRing.parse(keySpec) });
      const devTeam = (await devStore.list({ limit: 5 })).items[0]?.teamId ?? '';
      learn(
        'dev bot token',
        (await devStore.findBot({ enterpriseId: undefined, teamId: devTeam, isEnterpriseInstall: false }))?.bot?.token,
      );
    } finally {
      const out = await dev.stop();
      doors.record('dev stdout+stderr', out.stdout, out.stderr);
    }

    // --- every CLI command, success and failure. The commands that take a token from the environment
    // run against a second emulator without rotation (whose default tokens stay valid).
    const plain = await startEmulator();
    closers.push(() => plain.close());
    learn('second emulator bot token', plain.tokens.bot);
    learn('second emulator user token', plain.tokens.user);
    learn('second emulator app token', plain.tokens.app);
    learn('second emulator admin token', plain.tokens.admin);
    const api = { SLACK_API_URL: plain.apiUrl };
    await doors.cli('cli api', ['api', 'auth.test'], { ...api, SLACK_BOT_TOKEN: plain.tokens.bot }, 0);
    await doors.cli('cli api', ['api', 'chat.postMessage', 'channel=general', `text=${plantedHook}`], {
      ...api,
      SLACK_BOT_TOKEN: plain.tokens.bot,
    });
    await doors.cli('cli api', ['api', 'auth.test'], { ...api, SLACK_BOT_TOKEN: planted('planted bot token') }, 1);
    await doors.cli('cli api', ['api', 'auth.test', `token=${planted('planted user token')}`], {
      ...api,
      SLACK_BOT_TOKEN: planted('planted rotating bot token'),
    });
    await doors.cli('cli api', ['api', 'auth.test', '--team', teamId], { ...appEnv });
    // A wrong Slack URL (a 404, not retried; an unreachable one is retried for half a minute).
    await doors.cli(
      'cli api',
      ['api', 'auth.test', '--api-url', `${plain.url}nope/`],
      { SLACK_BOT_TOKEN: plain.tokens.bot },
      1,
    );
    await doors.cli('cli installations', ['installations', 'list'], appEnv, 0);
    await doors.cli('cli installations', ['installations', 'list', '--json'], appEnv, 0);
    await doors.cli('cli installations', ['installations', 'show', teamId], appEnv, 0);
    await doors.cli('cli installations', ['installations', 'show', 'T0NOPE'], appEnv);
    await doors.cli('cli installations', ['installations', 'refresh', '--ahead', '720'], appEnv);
    await doors.cli('cli installations', ['installations', 'refresh', '--ahead', '720'], {
      ...appEnv,
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    });
    await doors.cli('cli installations', ['installations', 'list'], {
      ...appEnv,
      SLACKLINE_ENCRYPTION_KEYS: KeyRing.generateSpec('wrong'),
    });
    const rotated = `${KeyRing.generateSpec('canary2')},${keySpec}`;
    canaries.set('second encryption key', rotated.slice(rotated.indexOf(':') + 1, rotated.indexOf(',')));
    await doors.cli('cli keys', ['keys', 'rotate'], { ...appEnv, SLACKLINE_ENCRYPTION_KEYS: rotated }, 0);
    await doors.cli('cli keys', ['installations', 'reseal'], { ...appEnv, SLACKLINE_ENCRYPTION_KEYS: rotated }, 0);
    await doors.cli('cli keys', ['keys', 'rotate'], appEnv);
    await doors.cli('cli keys', ['keys', 'generate', '--id', 'x'], appEnv, 0);
    await doors.cli('cli installations', ['installations', 'delete', teamId, '--yes'], {
      ...appEnv,
      SLACKLINE_ENCRYPTION_KEYS: rotated,
    });
    await doors.cli('cli doctor', ['doctor'], {
      ...appEnv,
      SLACKLINE_ENCRYPTION_KEYS: rotated,
      SLACK_BOT_TOKEN: planted('planted user token'),
      SLACK_APP_TOKEN: planted('planted bot token'),
      SLACK_USER_TOKEN: planted('planted app token'),
      SLACK_ADMIN_TOKEN: planted('planted configuration token'),
    });
    await doors.cli('cli doctor', ['doctor', '--json'], {
      ...appEnv,
      SLACK_BOT_TOKEN: planted('planted rotating bot token'),
      SLACK_REDIRECT_URI: `http://example.com/cb?token=${planted('planted user token')}`,
    });
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    const assigned = [...canaries.entries()]
      .filter(([kind]) => kind.startsWith('planted') || kind.endsWith('secret'))
      .map(([kind, value], i) => `const secret${i} = '${value}'; // ${kind}\n`);
    assigned.push(`const webhookUrl = '${plantedHook}';\n`, `const clientSecret = '${planted('client secret')}';\n`);
    writeFileSync(join(tree, 'config.js'), assigned.join(''));
    const scan = await doors.cli('cli doctor', ['doctor', '--scan', tree], {}, 1);
    assert.match(scan.stdout, /config\.js:1/);
    await doors.cli('cli socket', ['socket'], { ...api, SLACK_APP_TOKEN: planted('planted app token') }, 1);
    // Slack out of reach: the command keeps trying (as a reconnect would) until stopped.
    const unreachable = spawnKept(['socket', '--api-url', 'http://127.0.0.1:9/api/'], {
      SLACK_APP_TOKEN: plain.tokens.app,
    });
    await new Promise((r) => setTimeout(r, 2000));
    const tried = await unreachable.stop();
    doors.record('cli socket', tried.stdout, tried.stderr);
    const socket = spawnKept(['socket', '--count', '1'], { ...api, SLACK_APP_TOKEN: plain.tokens.app });
    try {
      for (let i = 0; i < 100 && plain.socketMode.connections() === 0; i++) await new Promise((r) => setTimeout(r, 50));
      await new WebClient(plain.tokens.user, { slackApiUrl: plain.apiUrl }).chat.postMessage({
        channel: 'general',
        text: `socket ${plantedHook} ${planted('planted bot token')}`,
      });
      await socket.until(/"envelope_id"/);
    } finally {
      const out = await socket.stop();
      doors.record('cli socket', out.stdout, out.stderr);
    }
    const scim = { SLACK_SCIM_URL: plain.scimUrl };
    await doors.cli(
      'cli scim',
      ['scim', 'users', 'list', '--max', '3'],
      { ...scim, SLACK_ADMIN_TOKEN: plain.tokens.admin },
      0,
    );
    await doors.cli('cli scim', ['scim', 'users', 'create', '--user-name', 'canary', '--email', 'c@example.com'], {
      ...scim,
      SLACK_ADMIN_TOKEN: plain.tokens.admin,
    });
    await doors.cli(
      'cli scim',
      ['scim', 'users', 'get', 'U0NOPE'],
      { ...scim, SLACK_ADMIN_TOKEN: plain.tokens.admin },
      1,
    );
    await doors.cli(
      'cli scim',
      ['scim', 'users', 'list'],
      { ...scim, SLACK_ADMIN_TOKEN: planted('planted user token') },
      1,
    );
    await doors.cli('cli scim', ['scim', 'groups', 'list'], { ...scim, SLACK_ADMIN_TOKEN: plain.tokens.bot }, 1);
    const audit = { SLACK_AUDIT_URL: plain.auditUrl };
    await doors.cli(
      'cli audit-logs',
      ['audit-logs', 'export', '--since', '7d'],
      { ...audit, SLACK_AUDIT_TOKEN: plain.tokens.admin },
      0,
    );
    await doors.cli('cli audit-logs', ['audit-logs', 'export', '--since', '7d', '--format', 'csv'], {
      ...audit,
      SLACK_AUDIT_TOKEN: plain.tokens.admin,
    });
    await doors.cli(
      'cli audit-logs',
      ['audit-logs', 'export', '--since', '7d'],
      { ...audit, SLACK_AUDIT_TOKEN: planted('planted user token') },
      1,
    );
    await doors.cli(
      'cli audit-logs',
      ['audit-logs', 'export', '--since', '7d'],
      { SLACK_AUDIT_URL: `${plain.url}nope/`, SLACK_AUDIT_TOKEN: plain.tokens.admin },
      1,
    );
    const emulatorCli = spawnKept(['emulator', '--port', '0', '--json'], {
      ...appEnv,
      SLACK_BOT_TOKEN: planted('planted bot token'),
    });
    try {
      await emulatorCli.until(/"apiUrl"/);
    } finally {
      const out = await emulatorCli.stop();
      doors.record('cli emulator', out.stdout, out.stderr);
    }
    await doors.cli('cli emulator', ['emulator', '--port', 'x'], appEnv);
    await doors.cli('cli (unknown command)', [planted('planted bot token')], appEnv, 2);
  } finally {
    for (const close of closers) await close();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }

  return { doors, canaries };
}

/** Every door driven; the server's own log lines carry the Installer's, the events handler's and the stores'. */
const DOORS = [
  'server log (in process)',
  'oauth pages',
  'oauth errors',
  'events responses',
  'stores errors',
  'web client',
  'webhook',
  'serve stdout+stderr',
  'serve (failing)',
  'dev stdout+stderr',
  'cli api',
  'cli installations',
  'cli keys',
  'cli doctor',
  'cli socket',
  'cli scim',
  'cli audit-logs',
  'cli emulator',
  'cli (unknown command)',
];

describe('canaries of every secret kind leave by no door, at debug level, on success and failure paths', () => {
  let seen: Awaited<ReturnType<typeof drive>> | undefined;
  before(
    async () => {
      seen = await drive();
    },
    { timeout: 240_000 },
  );

  test('every door was driven and produced output', () => {
    assert.deepEqual([...(seen?.doors.texts.keys() ?? [])].sort(), [...DOORS].sort());
  });
  // Every door, every canary: 0 occurrences. A door that saw nothing would prove nothing.
  for (const door of DOORS) {
    test(door, () => {
      const all = (seen?.doors.texts.get(door) ?? []).join('\n');
      assert.ok(all.length > 0, `${door} produced output`);
      for (const [kind, value] of seen?.canaries ?? []) {
        if (value === '') continue;
        assert.ok(!all.includes(value), `the ${kind} leaked through ${door}: …${excerpt(all, value)}…`);
      }
    });
  }
});

function excerpt(text: string, value: string): string {
  const at = text.indexOf(value);
  return text.slice(Math.max(0, at - 120), at + value.length + 40);
}
