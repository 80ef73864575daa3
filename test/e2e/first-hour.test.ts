// The README's Quick start in one fresh folder, with no configuration: `slackline dev --headless`,
// then `installations list`, `installations show <team>` and the printed `api ... --team` command,
// each a child process in that folder (issue 12: they used to read two different databases).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, spawnCliUntil, stop } from './helpers.js';

/** Nothing from the test runner's environment decides where the commands look. */
const CLEAN = {
  SLACKLINE_DATABASE_URL: '',
  SLACKLINE_ENCRYPTION_KEYS: '',
  SLACKLINE_STATE_URL: '',
  SLACK_BOT_TOKEN: '',
  SLACK_API_URL: '',
  SLACK_SCOPES: '',
  SLACKLINE_LOG_LEVEL: 'silent',
};

test('Quick start in a fresh folder: dev --headless, installations list/show, then the printed api --team command', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-first-hour-'));
  const dev = await spawnCliUntil(
    ['dev', '--headless', '--port', '0', '--emulator-port', '0'],
    CLEAN,
    /messages: \S+/,
    dir,
  );
  try {
    const banner = dev.text;
    assert.match(banner, /installed into Slackline Emulator \(T\w+\)/); // a line per completed install
    assert.match(banner, /done without a browser \(--headless\): completed/);
    assert.doesNotMatch(banner, /\bopen http/); // nothing to open: --headless did it
    assert.match(banner, /store: +sqlite:\.\/slackline\.db/);
    assert.match(banner, /key generated into \.\/slackline\.db\.key/);
    // The printed command, taken apart exactly as a shell would run it.
    const printed = /SLACK_API_URL=(\S+) \\\n\s+npx slackline (api chat\.postMessage .*--team (T\w+))\n/.exec(banner);
    assert.ok(printed, banner);
    const [, apiUrl, command, teamId] = printed as unknown as [string, string, string, string];
    assert.ok(existsSync(join(dir, 'slackline.db')) && existsSync(join(dir, 'slackline.db.key')));

    const listed = await runCli(['installations', 'list'], CLEAN, dir);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${teamId} +Slackline Emulator`));
    const shown = await runCli(['installations', 'show', teamId], CLEAN, dir);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal((JSON.parse(shown.stdout) as { teamId: string }).teamId, teamId);
    const posted = await runCli(command.split(' '), { ...CLEAN, SLACK_API_URL: apiUrl }, dir);
    assert.equal(posted.code, 0, posted.stderr);
    assert.equal((JSON.parse(posted.stdout) as { ok: boolean }).ok, true);
    const seen = (await (await fetch(new URL('../_emulator/messages?channel=general', apiUrl))).json()) as {
      messages: { text: string }[];
    };
    assert.ok(seen.messages.some((m) => m.text === 'hello'));
    // One database and one key: nothing else appeared in the folder.
    const files = readdirSync(dir).filter((f) => !/-(wal|shm)$/.test(f));
    assert.deepEqual(files.sort(), ['slackline.db', 'slackline.db.key']);
  } finally {
    await stop(dev.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
