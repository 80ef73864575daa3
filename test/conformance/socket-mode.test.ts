// The official Socket Mode client and a Bolt app in Socket Mode, unmodified, against the emulator over
// real HTTP and WebSockets: they connect with the app token the emulator prints, receive what users do
// in the emulator, and ack; the Bolt app replies with say().
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { App, LogLevel } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId } from '../emulator/helpers.js';
import { spawnEmulator, stop } from '../emulator/spawn.js';
import { until } from '../helpers/until.js';

describe('conformance: @slack/socket-mode and @slack/bolt in Socket Mode against the emulator', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });
  const connections = () => emu.socketMode.connections();

  it('@slack/socket-mode receives an app_mention as events_api, acks it, and the emulator records it acked', async () => {
    const client = new SocketModeClient({
      appToken: emu.tokens.app,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: emu.apiUrl },
    });
    const mentions: { text: unknown; retry: unknown }[] = [];
    const every: string[] = [];
    client.on('app_mention', async ({ event, ack, retry_num }) => {
      await ack();
      mentions.push({ text: event.text, retry: retry_num });
    });
    client.on('slack_event', ({ type }) => {
      every.push(String(type));
    });
    client.on('message', async ({ ack }) => {
      await ack();
    });
    await client.start();
    try {
      const text = `hi <@${emu.workspace.botUserId}>`;
      const posted = await api(emu, 'chat.postMessage', { channel: channelId(emu, 'general'), text }, emu.tokens.user);
      assert.equal(posted.body.ok, true);
      await until('the mention', () => mentions.length === 1);
      assert.deepEqual(mentions, [{ text, retry: 0 }]);
      await emu.install.deliveriesIdle();
      const records = emu.install.deliveries();
      assert.deepEqual(
        records.map((r) => [r.type, r.url, r.state, r.attempts.length]),
        [
          ['message', 'socket-mode', 'delivered', 1],
          ['app_mention', 'socket-mode', 'delivered', 1],
        ],
      );
      assert.deepEqual(every, ['events_api', 'events_api']);
    } finally {
      await client.disconnect();
      await until('the close', () => connections() === 0);
    }
  });

  it('a @slack/bolt app in Socket Mode hears an app_mention and replies with say()', async () => {
    const app = new App({
      token: emu.tokens.bot,
      appToken: emu.tokens.app,
      socketMode: true,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: emu.apiUrl },
      installerOptions: { clientOptions: { slackApiUrl: emu.apiUrl } },
    });
    app.event('app_mention', async ({ event, say }) => {
      await say(`you said: ${event.text.replace(/<@[^>]+>\s*/, '')}`);
    });
    await app.start();
    try {
      const general = channelId(emu, 'general');
      const text = `<@${emu.workspace.botUserId}> ship it`;
      await api(emu, 'chat.postMessage', { channel: general, text }, emu.tokens.user);
      await until('the reply', () => emu.messages(general).some((m) => m.text === 'you said: ship it'));
      const reply = emu.messages(general).find((m) => m.text === 'you said: ship it');
      assert.equal(reply?.user, emu.workspace.botUserId);
    } finally {
      // Bolt's stop() does not wait for the close handshake: wait for it, so nothing is cut mid-close.
      await app.stop();
      await until('the close', () => connections() === 0);
    }
  });

  it('`slackline emulator --json`: @slack/socket-mode started with tokens.app hears a mention, no other setup', async () => {
    const { child, info } = await spawnEmulator();
    const client = new SocketModeClient({
      appToken: info.tokens.app,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: info.apiUrl },
    });
    const heard: unknown[] = [];
    client.on('app_mention', async ({ event, ack }) => {
      await ack();
      heard.push(event.text);
    });
    try {
      await client.start();
      const post = (method: string, body: Record<string, string>) =>
        fetch(`${info.apiUrl}${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${info.tokens.user}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json() as Promise<{ ok: boolean; channels?: { id: string; name: string }[] }>);
      const general = (await post('conversations.list', {})).channels?.find((c) => c.name === 'general')?.id ?? '';
      const text = `<@${info.workspace.botUserId}> are you there?`;
      assert.equal((await post('chat.postMessage', { channel: general, text })).ok, true);
      await until('the mention', () => heard.length === 1);
      assert.deepEqual(heard, [text]);
    } finally {
      await client.disconnect();
      assert.equal(await stop(child), 0);
    }
  });
});
