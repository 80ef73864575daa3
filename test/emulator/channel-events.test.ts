// Channel changes made through conversations.* reach apps that subscribe to them, as Slack sends them:
// over Socket Mode to an app with an open connection (slackline's SocketModeClient), and signed over
// HTTP to an app's events URL (the same delivery path). Public channel events reach every installed
// app of the workspace; member_joined/left_channel and group_* only apps whose bot is a member.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { SocketModeClient } from '../../src/socket-mode/index.js';
import { api, control, userId } from './helpers.js';

const EVENTS = [
  'channel_created',
  'channel_rename',
  'channel_archive',
  'channel_unarchive',
  'member_joined_channel',
  'member_left_channel',
  'group_rename',
  'group_archive',
  'group_unarchive',
];

let emu: Emulator;
let client: SocketModeClient;
const seen: Record<string, unknown>[] = [];

before(async () => {
  emu = await startEmulator({ port: 0 });
  const configured = await control(emu, 'POST', `apps/${emu.clientId}`, { bot_events: EVENTS });
  assert.equal(configured.status, 200, JSON.stringify(configured.body));
  client = new SocketModeClient({ appToken: emu.tokens.app, slackApiUrl: emu.apiUrl });
  client.on('events_api', ({ body }) => {
    seen.push((body as { event: Record<string, unknown> }).event);
  });
  await client.start();
});
after(async () => {
  await client.stop();
  await emu.close();
});

/** Calls a method and waits until every event it caused was delivered; returns those events. */
async function act(method: string, args: Record<string, string>, token: string): Promise<Record<string, unknown>[]> {
  const from = seen.length;
  const answer = await api(emu, method, args, token);
  assert.equal(answer.body.ok, true, `${method}: ${JSON.stringify(answer.body)}`);
  await emu.install.deliveriesIdle();
  return seen.slice(from);
}

const types = (events: Record<string, unknown>[]) => events.map((e) => e.type);

test('a public channel: created, joined, invited, renamed, kicked, archived, unarchived, left, over Socket Mode', async () => {
  const alice = emu.workspace.userId;
  const bot = emu.workspace.botUserId;
  const bob = userId(emu, 'bob');
  const user = emu.tokens.user;
  const created = await act('conversations.create', { name: 'sm-news' }, user);
  // The bot is not a member: it hears of the channel, not of alice joining it.
  assert.deepEqual(types(created), ['channel_created']);
  const channel = created[0]?.channel as Record<string, unknown>;
  assert.equal(channel.name, 'sm-news');
  assert.equal(channel.creator, alice);
  assert.equal(channel.is_channel, true);
  assert.equal(typeof created[0]?.event_ts, 'string');
  const id = String(channel.id);

  const joined = await act('conversations.join', { channel: id }, emu.tokens.bot);
  assert.deepEqual(joined, [
    {
      type: 'member_joined_channel',
      user: bot,
      channel: id,
      channel_type: 'C',
      team: emu.workspace.teamId,
      event_ts: joined[0]?.event_ts,
    },
  ]);
  const invited = await act('conversations.invite', { channel: id, users: bob }, user);
  assert.deepEqual(
    invited.map((e) => [e.type, e.user, e.inviter]),
    [['member_joined_channel', bob, alice]],
  );
  const renamed = await act('conversations.rename', { channel: id, name: 'sm-headlines' }, user);
  assert.deepEqual(types(renamed), ['channel_rename']);
  assert.deepEqual(
    { ...(renamed[0]?.channel as object) },
    {
      id,
      is_channel: true,
      is_mpim: false,
      name: 'sm-headlines',
      name_normalized: 'sm-headlines',
      created: channel.created,
    },
  );
  const kicked = await act('conversations.kick', { channel: id, user: bob }, user);
  assert.deepEqual(
    kicked.map((e) => [e.type, e.user, e.channel, e.channel_type]),
    [['member_left_channel', bob, id, 'C']],
  );
  const archived = await act('conversations.archive', { channel: id }, user);
  assert.deepEqual(
    archived.map((e) => [e.type, e.channel, e.user]),
    [['channel_archive', id, alice]],
  );
  const unarchived = await act('conversations.unarchive', { channel: id }, user);
  assert.deepEqual(
    unarchived.map((e) => [e.type, e.channel, e.user]),
    [['channel_unarchive', id, alice]],
  );
  const left = await act('conversations.leave', { channel: id }, emu.tokens.bot);
  assert.deepEqual(
    left.map((e) => [e.type, e.user, e.channel]),
    [['member_left_channel', bot, id]],
  );
  // No longer a member: a public rename is still heard of, a member leaving is not.
  assert.deepEqual(types(await act('conversations.rename', { channel: id, name: 'sm-later' }, user)), [
    'channel_rename',
  ]);
  assert.deepEqual(await act('conversations.leave', { channel: id }, user), []);
});

test('a private channel: group_* events, and only while the bot is a member', async () => {
  const user = emu.tokens.user;
  const bot = emu.workspace.botUserId;
  // A new private channel is not announced to non-members.
  const created = await act('conversations.create', { name: 'sm-private', is_private: 'true' }, user);
  assert.deepEqual(created, []);
  const id = String(
    [...emu.state.channels.values()].find((c) => c.name === 'sm-private' && c.teamId === emu.workspace.teamId)?.id,
  );
  const invited = await act('conversations.invite', { channel: id, users: bot }, user);
  assert.deepEqual(
    invited.map((e) => [e.type, e.user, e.channel_type]),
    [['member_joined_channel', bot, 'G']],
  );
  const renamed = await act('conversations.rename', { channel: id, name: 'sm-hidden' }, user);
  assert.deepEqual(
    renamed.map((e) => [e.type, (e.channel as { name: string }).name]),
    [['group_rename', 'sm-hidden']],
  );
  const archived = await act('conversations.archive', { channel: id }, user);
  assert.deepEqual(types(archived), ['group_archive']);
  const unarchived = await act('conversations.unarchive', { channel: id }, user);
  assert.deepEqual(
    unarchived.map((e) => [e.type, e.actor_id]),
    [['group_unarchive', emu.workspace.userId]],
  );
});

test('an app without the subscription hears nothing; an app on HTTP gets the same events signed at its URL', async () => {
  await control(emu, 'POST', `apps/${emu.clientId}`, { bot_events: ['app_mention'] });
  assert.deepEqual(await act('conversations.create', { name: 'sm-quiet' }, emu.tokens.user), []);
  await client.stop();
  const bodies: { type: string; event?: { type: string; channel?: { name?: string } } }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { type: string; challenge?: string };
      bodies.push(body as (typeof bodies)[number]);
      assert.ok(String(req.headers['x-slack-signature']).startsWith('v0='));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: body.challenge }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    await control(emu, 'POST', `apps/${emu.clientId}`, { bot_events: EVENTS, events_url: url, socket_mode: false });
    await act('conversations.create', { name: 'sm-http' }, emu.tokens.user);
    const events = bodies.filter((b) => b.type === 'event_callback');
    assert.deepEqual(
      events.map((b) => [b.event?.type, b.event?.channel?.name]),
      [['channel_created', 'sm-http']],
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
