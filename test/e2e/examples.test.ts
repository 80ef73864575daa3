// The example apps run from what users install: the packed tarball (plus the example's framework) in a
// fresh folder, the example compiled there with its own strict tsconfig, then run as a child process
// against the emulator: installed through the emulator's OAuth, a user mentions the bot, and the
// app's reply is in the channel's history.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { headlessInstall } from '../../src/cli/dev.js';
import { startEmulator } from '../../src/emulator/index.js';
import { WebClient } from '../../src/web/index.js';
import { installPacked, root } from '../helpers/pack.js';
import { until } from '../socket-mode/harness.js';
import { stop } from './helpers.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts `node app.js` in `dir` and resolves once it prints that it listens. */
async function startApp(dir: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string }> {
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  const child = spawn(process.execPath, ['app.js'], { cwd: dir, env: { ...inherited, ...env } });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/events at /.test(output)) {
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`the example exited early with ${code}:\n${output}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  return { child, output: () => output };
}

const EXAMPLES = [
  { name: 'node-http', extra: [] },
  { name: 'hono', extra: ['hono', '@hono/node-server'] },
];

for (const { name, extra } of EXAMPLES) {
  test(`examples/${name}: compiles strict from the packed tarball, installs through OAuth, answers a mention`, {
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), `slackline-example-${name}-`));
    const emulator = await startEmulator({ port: 0 });
    let app: Awaited<ReturnType<typeof startApp>> | undefined;
    try {
      installPacked(dir, extra);
      // The example's own files, compiled with its own tsconfig (which must be strict).
      for (const file of ['app.ts', 'tsconfig.json']) copyFileSync(join(root, 'examples', name, file), join(dir, file));
      const { compilerOptions } = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as {
        compilerOptions: Record<string, unknown>;
      };
      assert.equal(compilerOptions.strict, true);
      assert.equal(compilerOptions.exactOptionalPropertyTypes, true);
      assert.equal(compilerOptions.skipLibCheck, false);
      // Node's types, as a user's `npm i -D @types/node` would give them.
      mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
      symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
      try {
        execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], {
          cwd: dir,
          stdio: 'pipe',
        });
      } catch (err) {
        assert.fail(`examples/${name} does not compile:\n${(err as { stdout?: Buffer }).stdout?.toString()}`);
      }
      // Only slackline's doors: nothing reaches into the package's files.
      const source = readFileSync(join(dir, 'app.ts'), 'utf8');
      for (const [, spec] of source.matchAll(/from '([^']+)'/g)) {
        assert.match(spec ?? '', /^(slackline(\/[a-z/-]+)?|node:\w+|hono|@hono\/node-server)$/, `import of ${spec}`);
      }

      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      app = await startApp(dir, {
        PORT: String(port),
        HOST: '127.0.0.1',
        SLACK_CLIENT_ID: emulator.clientId,
        SLACK_CLIENT_SECRET: emulator.clientSecret,
        SLACK_SIGNING_SECRET: emulator.signingSecret,
        SLACK_SCOPES: 'app_mentions:read,chat:write',
        SLACK_REDIRECT_URI: `${base}/slack/oauth_redirect`,
        SLACK_API_URL: emulator.apiUrl,
        SLACK_AUTHORIZE_URL: `${emulator.url}oauth/v2/authorize`,
        SLACKLINE_DATABASE_URL: 'memory:',
        SLACKLINE_ENCRYPTION_KEYS: '',
        SLACKLINE_STATE_URL: '',
        SLACK_BOT_TOKEN: '',
      });
      // The app's settings in "Slack": its callback and its events URL (verified with a challenge).
      emulator.install.configureApp(emulator.clientId, {
        redirectUrls: [`${base}/slack/oauth_redirect`],
        eventsUrl: `${base}/slack/events`,
        botScopes: ['app_mentions:read', 'chat:write'],
      });
      assert.equal(await headlessInstall(`${base}/slack/install`, emulator), 'completed', app.output());

      // A person mentions the bot in #general; the app answers with the installation's token.
      const person = new WebClient(emulator.tokens.user, { slackApiUrl: emulator.apiUrl });
      const bot = emulator.workspace.botUserId;
      await person.chat.postMessage({ channel: 'general', text: `<@${bot}> are you there?` });
      person.close();
      const reply = `Hello <@${emulator.workspace.userId}>, I heard you.`;
      await emulator.install.deliveriesIdle();
      await until(
        () => emulator.messages('general').some((m) => m.text === reply && m.user === bot),
        20_000,
        `the reply of examples/${name} in #general`,
      ).catch((err: unknown) => assert.fail(`${err}\n${app?.output()}`));
    } finally {
      if (app !== undefined) await stop(app.child);
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
