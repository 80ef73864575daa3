// `slackline socket` as a user runs it: the compiled CLI in a child process, against the emulator over
// real HTTP and WebSockets, with the app token the emulator prints.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId } from '../emulator/helpers.js';
import { until } from '../helpers/until.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');
let emu: Emulator;

before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(() => emu.close());

test('prints each envelope as a redacted JSON line, acks it, and exits after --count', async () => {
  const env = { PATH: process.env.PATH ?? '', SLACK_API_URL: emu.apiUrl, SLACK_APP_TOKEN: emu.tokens.app };
  const child: ChildProcess = spawn(process.execPath, [CLI, 'socket', '--count', '2'], { env });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  // A CLI that never sees its envelopes must fail the test, not hang it.
  const timer = setTimeout(() => child.kill(), 15_000);
  try {
    await until('the connection', () => emu.socketMode.connections() === 1);
    // The command token (a verification token by key) and a token-shaped value must not be printed.
    const text = `<@${emu.workspace.botUserId}> look`;
    await api(emu, 'chat.postMessage', { channel: channelId(emu, 'general'), text }, emu.tokens.user);
    assert.equal(await exited, 0, stderr);
  } finally {
    clearTimeout(timer);
    child.kill();
  }
  const lines = stdout
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          type: string;
          retry_attempt: number;
          payload: { token?: string; event: { type: string; text?: string } };
        },
    );
  assert.deepEqual(
    lines.map((l) => [l.type, l.payload.event.type, l.retry_attempt]),
    [
      ['events_api', 'message', 0],
      ['events_api', 'app_mention', 0],
    ],
  );
  assert.equal(lines[1]?.payload.event.text, `<@${emu.workspace.botUserId}> look`);
  assert.equal(lines[1]?.payload.token, '[REDACTED]', 'the verification token is redacted');
  assert.ok(!stdout.includes(emu.tokens.app));
  await emu.install.deliveriesIdle();
  assert.deepEqual(
    emu.install.deliveries().map((d) => d.state),
    ['delivered', 'delivered'],
    'both were acked',
  );
  assert.match(stderr, /connected/);
});

test('without an app token it says which variable to set and exits 2', async () => {
  const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI, 'socket'], { env: { PATH: process.env.PATH ?? '' } }, (err, _o, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stderr });
    });
  });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /SLACK_APP_TOKEN/);
});

test('a bot token is refused: it says so and exits 1', async () => {
  const env = { PATH: process.env.PATH ?? '', SLACK_API_URL: emu.apiUrl, SLACK_APP_TOKEN: emu.tokens.bot };
  const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI, 'socket'], { env, timeout: 20_000 }, (err, _o, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stderr });
    });
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /could not connect/);
  assert.ok(!run.stderr.includes(emu.tokens.bot));
});
