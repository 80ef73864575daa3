// `/` on the install + events server (what `npm start` calls "your app"): the app's name, where to
// install it (or, with one workspace token, that there is no install page), the events URL to give
// Slack, and health. Over real HTTP against startServer, in both modes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../../src/server/index.js';

const QUIET = { SLACKLINE_LOG_LEVEL: 'silent', SLACK_REDIRECT_URI: '' };

test('/ with OAuth: the app name (escaped), a link to the install page, the events URL and health', async () => {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    env: {
      ...QUIET,
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'canary-client-secret',
      SLACK_SIGNING_SECRET: 'canary-signing-secret',
      SLACKLINE_DATABASE_URL: 'memory:',
      SLACK_APP_NAME: 'Deploy <Bot>',
    },
  });
  try {
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = await res.text();
    assert.match(html, /<h1>Deploy &#60;Bot&#62;<\/h1>/);
    assert.doesNotMatch(html, /<Bot>/);
    assert.ok(html.includes(`<a href="${server.installUrl}">`), html);
    assert.ok(html.includes(`<code>${new URL('/slack/events', server.url).href}</code>`), html);
    assert.ok(html.includes(`href="${new URL('/healthz', server.url).href}"`), html);
    // The install link leads to the install page, and the page names no missing route.
    const install = await fetch(server.installUrl);
    assert.equal(install.status, 200);
    assert.match(await install.text(), /Add to Slack/);
    // Only / is the home page: other unknown paths are still not found.
    assert.equal((await fetch(new URL('/nope', server.url))).status, 404);
  } finally {
    await server.close();
  }
});

test('/ with one workspace token: says the app uses the bot token from the environment; events off', async () => {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    env: {
      ...QUIET,
      SLACK_CLIENT_ID: '',
      SLACK_BOT_TOKEN: 'xoxb-canary-home',
      SLACK_SIGNING_SECRET: '',
      SLACK_APP_NAME: '',
    },
  });
  try {
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<h1>Slack app<\/h1>/);
    assert.match(html, /Single-workspace mode: this app uses the bot token from the environment \(SLACK_BOT_TOKEN\)/);
    assert.doesNotMatch(html, /slack\/install/);
    assert.match(html, /Events are off: set SLACK_SIGNING_SECRET/);
    assert.doesNotMatch(html, /xoxb-/);
  } finally {
    await server.close();
  }
});
