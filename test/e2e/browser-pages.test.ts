// The pages of the first install, in Chromium (issue 12 item 9): the install page names the app and
// its scopes, the consent page says what each scope does with a styled Cancel, a failure page links
// the install page, and ?team= for an installed workspace says "already installed". Each page is
// kept as a screenshot in ARTIFACTS/first-hour/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, chromiumMissing, launchChromium, spawnCli, stop } from './helpers.js';

test('first-install pages in Chromium: app and scopes, consent words, Cancel, failure link, already installed', {
  timeout: 120_000,
}, async (t) => {
  const missing = chromiumMissing();
  if (missing !== undefined) return t.skip(missing);
  const shots = join(ARTIFACTS, 'first-hour');
  mkdirSync(shots, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'slackline-pages-'));
  const dev = await spawnCli(['dev', '--port', '0', '--emulator-port', '0', '--json'], {
    SLACKLINE_DATABASE_URL: `sqlite:${join(dir, 'pages.db')}`,
    SLACKLINE_ENCRYPTION_KEYS: '',
    SLACK_SCOPES: '',
    SLACK_APP_NAME: '',
    SLACKLINE_LOG_LEVEL: 'silent',
  });
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    chromium = await launchChromium();
    const info = JSON.parse(dev.line) as { installUrl: string; emulatorUrl: string; teamId: string };
    const page = await chromium.browser.newPage();
    const shot = async (name: string) => {
      const path = join(shots, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      assert.ok(statSync(path).size > 1000, `${name}.png was written`);
    };

    // `/` ("your app" in the banner): the app's name, a link to the install page, events, health.
    await page.goto(new URL('/', info.installUrl).href);
    assert.equal(await page.textContent('h1'), 'Slackline Emulator App');
    assert.match((await page.textContent('#events')) ?? '', /\/slack\/events/);
    assert.match((await page.textContent('#health')) ?? '', /\/healthz/);
    await shot('0-home');
    await page.click('#install a');
    await page.waitForURL(info.installUrl);

    // The install page: the app's name and what it asks for.
    await page.goto(info.installUrl);
    assert.equal(await page.textContent('h1'), 'Install Slackline Emulator App');
    assert.equal(await page.textContent('#app-name'), 'Slackline Emulator App');
    const asked = await page.$$eval('#bot-scopes li', (items) => items.map((li) => li.textContent));
    assert.deepEqual(asked, ['chat:write', 'channels:read', 'channels:history', 'users:read']);
    await shot('1-install');

    // The consent page: words for each scope (the code beside them), and a Cancel that is a real button.
    await page.click('#add-to-slack');
    await page.waitForURL((url) => url.href.startsWith(`${info.emulatorUrl}oauth/v2/authorize`));
    assert.equal(
      (await page.textContent('#bot-scopes li[data-scope="chat:write"]'))?.trim(),
      'Send messages as the appchat:write',
    );
    type Style = { borderTopStyle: string; borderTopLeftRadius: string; fontWeight: string };
    const cancelStyle = await page.$eval('#cancel', (el) => {
      // Runs in the page (this project compiles without the DOM types).
      const s = (globalThis as unknown as { getComputedStyle(e: unknown): Style }).getComputedStyle(el);
      return { border: s.borderTopStyle, radius: s.borderTopLeftRadius, weight: s.fontWeight };
    });
    assert.deepEqual(cancelStyle, { border: 'solid', radius: '6px', weight: '600' });
    await shot('2-consent');
    await page.click('#cancel');
    await page.waitForURL((url) => url.pathname === '/slack/oauth_redirect');
    assert.equal(await page.textContent('h1'), 'Installation cancelled');

    // A failure page (the link was used already): "the install page" is a link back to it.
    await page.goBack();
    await page.goBack();
    await page.goto(new URL('/slack/oauth_redirect?state=x&code=y', info.installUrl).href);
    assert.equal(await page.textContent('h1'), 'Installation failed');
    assert.equal(await page.getAttribute('#install-page', 'href'), info.installUrl);
    await shot('3-failure');
    await page.click('#install-page');
    await page.waitForURL(info.installUrl);

    // Install for real, then ?team= for that workspace: already installed, nothing to do.
    await page.click('#add-to-slack');
    await page.waitForURL((url) => url.href.startsWith(`${info.emulatorUrl}oauth/v2/authorize`));
    await page.click('#allow');
    await page.waitForURL((url) => url.pathname === '/slack/oauth_redirect');
    assert.equal(await page.textContent('h1'), 'Installation completed');
    await page.goto(`${info.installUrl}?team=${info.teamId}`);
    assert.equal(await page.textContent('h1'), 'Already installed');
    assert.match((await page.textContent('#already-installed')) ?? '', /already installed in Slackline Emulator/);
    await shot('4-already-installed');
    assert.doesNotMatch(await page.content(), /xox[bpe]-/);
  } finally {
    await chromium?.close();
    await stop(dev.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
