import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { api, channelId } from './helpers.js';
import { receiver } from './oauth-helpers.js';

type Receiver = Awaited<ReturnType<typeof receiver>>;

describe('emulator: message events for subscribed apps', () => {
  let emu: Emulator;
  let app: Receiver;
  before(async () => {
    app = await receiver();
    emu = await startEmulator({ app: { eventsUrl: app.url, botEvents: ['message.channels', 'app_mention'] } });
  });
  after(async () => {
    await emu.close();
    await app.close();
  });

  const events = () =>
    app.received.map((r) => {
      const ts = String(r.headers['x-slack-request-timestamp']);
      const mac = createHmac('sha256', emu.signingSecret).update(`v0:${ts}:${r.body}`).digest('hex');
      assert.equal(r.headers['x-slack-signature'], `v0=${mac}`);
      return JSON.parse(r.body) as { event: Record<string, unknown>; authorizations: unknown[]; team_id: string };
    });

  it('delivers message and app_mention events from conversations the bot is in', async () => {
    const general = channelId(emu, 'general');
    const text = `hello <@${emu.workspace.botUserId}>`;
    const posted = await api(emu, 'chat.postMessage', { channel: general, text }, emu.tokens.user);
    assert.equal(posted.body.ok, true);
    await emu.install.deliveriesIdle();
    const got = events();
    assert.deepEqual(
      got.map((e) => e.event.type),
      ['message', 'app_mention'],
    );
    const [message, mention] = got as [(typeof got)[0], (typeof got)[0]];
    assert.equal(message.event.channel, general);
    assert.equal(message.event.user, emu.workspace.userId);
    assert.equal(message.event.text, text);
    assert.equal(message.event.ts, posted.body.ts);
    assert.equal(message.event.channel_type, 'channel');
    assert.equal(mention.event.channel_type, undefined);
    assert.equal(message.team_id, emu.workspace.teamId);
    assert.deepEqual(message.authorizations, [
      {
        enterprise_id: null,
        team_id: emu.workspace.teamId,
        user_id: emu.workspace.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ]);
  });

  it('sends nothing for conversations without the bot, or once the app is uninstalled', async () => {
    app.received.length = 0;
    const ops = channelId(emu, 'ops');
    assert.equal((await api(emu, 'chat.postMessage', { channel: ops, text: 'quiet' }, emu.tokens.user)).body.ok, true);
    const args = { client_id: emu.clientId, client_secret: emu.clientSecret };
    assert.equal((await api(emu, 'apps.uninstall', args, emu.tokens.bot)).body.ok, true);
    const human = emu.issueToken({ type: 'user', scopes: ['chat:write'] });
    const general = channelId(emu, 'general');
    assert.equal((await api(emu, 'chat.postMessage', { channel: general, text: 'after' }, human)).body.ok, true);
    await emu.install.deliveriesIdle();
    const types = events().map((e) => e.event.type);
    assert.deepEqual(types, ['tokens_revoked', 'app_uninstalled']);
  });
});
