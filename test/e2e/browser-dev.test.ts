// The newcomer's path, in a real browser: `slackline dev` → Add to Slack → the emulator's consent
// page → Allow → "Installation completed" → `slackline api ... --team T...` posts with the stored token.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromiumMissing, launchChromium, runCli, spawnCli, stop } from './helpers.js';

test('slackline dev: click through the install in Chromium, then post with the stored token', {
  timeout: 120_000,
}, async (t) => {
  const missing = chromiumMissing();
  if (missing !== undefined) return t.skip(missing);
  const dir = mkdtempSync(join(tmpdir(), 'slackline-dev-'));
  const database = `sqlite:${join(dir, 'dev.db')}`;
  const dev = await spawnCli(['dev', '--port', '0', '--emulator-port', '0', '--json'], {
    SLACKLINE_DATABASE_URL: database,
  });
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    chromium = await launchChromium();
    const info = JSON.parse(dev.line) as { installUrl: string; emulatorUrl: string; apiUrl: string; teamId: string };
    const page = await chromium.browser.newPage();
    await page.goto(info.installUrl);
    await page.click('#add-to-slack');
    await page.waitForURL((url) => url.href.startsWith(`${info.emulatorUrl}oauth/v2/authorize`));
    assert.match((await page.textContent('h1')) ?? '', /requesting permission/);
    await page.click('#allow');
    await page.waitForURL((url) => url.pathname === '/slack/oauth_redirect');
    assert.equal(await page.textContent('h1'), 'Installation completed');
    assert.doesNotMatch(await page.content(), /xox[bpe]-/);

    const env = { SLACK_API_URL: info.apiUrl, SLACKLINE_DATABASE_URL: database, SLACK_BOT_TOKEN: '' };
    const text = `posted from the browser install ${Date.now()}`;
    const posted = await runCli(
      ['api', 'chat.postMessage', 'channel=general', `text=${text}`, '--team', info.teamId],
      env,
    );
    assert.equal(posted.code, 0, posted.stderr);
    const messages = (await (await fetch(`${info.emulatorUrl}_emulator/messages?channel=general`)).json()) as {
      messages: { text: string }[];
    };
    assert.ok(messages.messages.some((m) => m.text === text));

    const listed = await runCli(['installations', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(info.teamId));
    const shown = await runCli(['installations', 'show', info.teamId], env);
    assert.match(shown.stdout, /present \(sealed at rest\)/);
    for (const out of [listed.stdout, shown.stdout, readFileSync(join(dir, 'dev.db')).toString('latin1')]) {
      assert.doesNotMatch(out, /xoxb-[0-9]/);
    }
  } finally {
    await chromium?.close();
    await stop(dev.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
