// Socket Mode on the emulator over real WebSockets: apps.connections.open with the app token, hello,
// events from emulator activity, acks and redelivery, round-robin and the 10-connection cap, and the
// control calls that make the server misbehave.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { SocketModeServer } from '../../src/emulator/socket-mode/server.js';
import { busy, startTap } from '../helpers/tap.js';
import { until } from '../helpers/until.js';
import { api, channelId, control, userId } from './helpers.js';

interface Frame {
  type: string;
  envelope_id?: string;
  reason?: string;
  retry_attempt?: number;
  retry_reason?: string;
  num_connections?: number;
  accepts_response_payload?: boolean;
  connection_info?: { app_id: string };
  payload?: Record<string, unknown> & { event?: Record<string, unknown> };
}

/** A bare Socket Mode connection: every frame it receives, acks only when told. */
class Link {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  closed = false;
  ack = true;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      if (this.ack && frame.envelope_id !== undefined) this.ws.send(JSON.stringify({ envelope_id: frame.envelope_id }));
    });
    this.ws.on('close', () => {
      this.closed = true;
    });
    this.ws.on('error', () => {});
  }
  envelopes(): Frame[] {
    return this.frames.filter((f) => f.envelope_id !== undefined);
  }
}

describe('emulator: Socket Mode', () => {
  let emu: Emulator;
  const links: Link[] = [];
  before(async () => {
    // 3 s of Slack time pass in 0.1 s: the ack deadline and redelivery are seen quickly.
    emu = await startEmulator({ clock: { scale: 30 } });
  });
  after(async () => {
    for (const link of links) link.ws.terminate();
    await emu.close();
  });

  async function connect(): Promise<Link> {
    const open = await api(emu, 'apps.connections.open', {}, emu.tokens.app);
    assert.equal(open.body.ok, true, JSON.stringify(open.body));
    const link = new Link(String(open.body.url));
    links.push(link);
    await until('hello', () => link.frames.some((f) => f.type === 'hello'));
    return link;
  }

  async function closeAll(): Promise<void> {
    for (const link of links.splice(0)) link.ws.terminate();
    await until('the server to see the closes', async () => {
      const seen = await control(emu, 'GET', `socket-mode?app_id=${emu.workspace.appId}`);
      return seen.body.connections === 0;
    });
  }

  it('apps.connections.open gives a one-time ws:// URL on the emulator; the server says hello', async () => {
    const open = await api(emu, 'apps.connections.open', {}, emu.tokens.app);
    assert.equal(open.body.ok, true);
    const url = new URL(String(open.body.url));
    assert.equal(url.protocol, 'ws:');
    assert.equal(url.host, new URL(emu.url).host);
    const link = new Link(url.href);
    links.push(link);
    await until('hello', () => link.frames.length > 0);
    assert.equal(link.frames[0]?.type, 'hello');
    assert.equal(link.frames[0]?.connection_info?.app_id, emu.workspace.appId);
    const again = new WebSocket(url.href);
    const status = await new Promise<number>((resolve) => {
      again.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      again.on('open', () => resolve(101));
      again.on('error', () => {});
    });
    assert.equal(status, 401, 'a used ticket is refused');
    await closeAll();
  });

  it('apps.connections.open takes only an app-level token', async () => {
    const withBot = await api(emu, 'apps.connections.open', {}, emu.tokens.bot);
    assert.equal(withBot.body.ok, false);
    assert.equal(withBot.body.error, 'not_allowed_token_type');
  });

  it('refuses connects when a fault rule says so (429, 5xx)', async () => {
    emu.addFault({ method: 'apps.connections.open', kind: 'ratelimit', times: 1, retryAfter: 2 });
    emu.addFault({ method: 'apps.connections.open', kind: 'status', status: 503, times: 1 });
    const limited = await api(emu, 'apps.connections.open', {}, emu.tokens.app).catch(() => undefined);
    assert.equal(limited?.status, 429);
    assert.equal(limited?.headers.get('retry-after'), '2');
    const failing = await fetch(`${emu.apiUrl}apps.connections.open`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.tokens.app}` },
    });
    assert.equal(failing.status, 503);
    emu.clearFaults();
  });

  it('a mention a user posts reaches the connected demo app as app_mention, and message.channels too', async () => {
    const link = await connect();
    const general = channelId(emu, 'general');
    const text = `deploy please <@${emu.workspace.botUserId}>`;
    const posted = await api(emu, 'chat.postMessage', { channel: general, text }, emu.tokens.user);
    assert.equal(posted.body.ok, true);
    await until('two envelopes', () => link.envelopes().length >= 2);
    const envelopes = link.envelopes();
    assert.deepEqual(
      envelopes.map((e) => e.type),
      ['events_api', 'events_api'],
    );
    assert.deepEqual(
      envelopes.map((e) => e.payload?.event?.type),
      ['message', 'app_mention'],
    );
    const mention = envelopes[1]!;
    assert.equal(mention.payload?.type, 'event_callback');
    assert.equal(mention.payload?.api_app_id, emu.workspace.appId);
    assert.equal(mention.payload?.event?.text, text);
    assert.equal(mention.payload?.event?.user, userId(emu, 'alice'));
    assert.equal(mention.retry_attempt, 0);
    assert.equal(mention.accepts_response_payload, false);
    await emu.install.deliveriesIdle();
    const records = emu.install.deliveries().slice(-2);
    assert.deepEqual(
      records.map((r) => [r.url, r.state]),
      [
        ['socket-mode', 'delivered'],
        ['socket-mode', 'delivered'],
      ],
    );
    await closeAll();
  });

  it('an envelope not acked within 3 s comes again with retry_attempt and retry_reason', async () => {
    const link = await connect();
    link.ack = false;
    const general = channelId(emu, 'general');
    await api(emu, 'chat.postMessage', { channel: general, text: 'no mention' }, emu.tokens.user);
    await until('a redelivery', () => link.envelopes().length >= 2);
    const [first, second] = link.envelopes();
    assert.equal(first?.envelope_id, second?.envelope_id);
    assert.equal(first?.retry_attempt, 0);
    assert.equal(second?.retry_attempt, 1);
    assert.equal(second?.retry_reason, 'timeout');
    link.ack = true;
    await emu.install.deliveriesIdle();
    const record = emu.install.deliveries().at(-1);
    assert.equal(record?.state, 'delivered');
    await closeAll();
  });

  it('a burst made in one long turn leaves as it is made, not all at its end', async () => {
    const own = await startEmulator(); // Slack's 3 s: nothing times out while this thread is busy
    const tap = await startTap(Number(new URL(own.apiUrl).port));
    try {
      const open = await api(own, 'apps.connections.open', {}, own.tokens.app);
      const url = new URL(String(open.body.url));
      url.port = String(tap.port);
      const link = new Link(url.href);
      links.push(link);
      await until('hello', () => link.frames.some((f) => f.type === 'hello'));
      const before = (await tap.chunks()).length;
      const deliveries: Promise<{ acked: boolean }>[] = [];
      for (let i = 0; i < 64; i++) {
        deliveries.push(own.socketMode.deliver('events_api', { type: 'event_callback', event_id: `EvTurn${i}` }));
        busy(10); // a Slack side that takes its time making each envelope: about 640 ms in one turn
      }
      assert.deepEqual(new Set((await Promise.all(deliveries)).map((r) => r.acked)), new Set([true]));
      const sent = (await tap.chunks()).slice(before).filter((chunk) => chunk.way === 'down');
      const spread = sent.at(-1)!.at - sent[0]!.at;
      assert.ok(spread > 200, `the first envelopes left ${Math.round(spread)} ms before the last (one write: 0)`);
    } finally {
      await tap.close();
      await own.close();
    }
  });

  it('up to 10 connections, envelopes round-robin; the 11th gets too_many_websockets', async () => {
    const ten: Link[] = [];
    for (let i = 0; i < 10; i++) ten.push(await connect());
    const open = await api(emu, 'apps.connections.open', {}, emu.tokens.app);
    const eleventh = new Link(String(open.body.url));
    links.push(eleventh);
    await until('the refusal', () => eleventh.closed);
    assert.deepEqual(
      eleventh.frames.map((f) => [f.type, f.reason]),
      [['disconnect', 'too_many_websockets']],
    );
    for (let i = 0; i < 10; i++) {
      const answer = await control(emu, 'POST', 'socket-mode', {
        action: 'deliver',
        type: 'slash_commands',
        payload: { command: '/n', text: String(i) },
      });
      assert.equal(answer.body.acked, true);
    }
    // Each of the ten connections got exactly one of the ten commands.
    assert.deepEqual(
      ten.map((l) => l.envelopes().length),
      Array(10).fill(1),
    );
    await closeAll();
  });

  it('control: deliver a slash command and get the ack payload back', async () => {
    const link = await connect();
    link.ack = false;
    link.ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === 'slash_commands') {
        link.ws.send(JSON.stringify({ envelope_id: frame.envelope_id, payload: { text: 'deployed' } }));
      }
    });
    const answer = await control(emu, 'POST', 'socket-mode', {
      action: 'deliver',
      type: 'slash_commands',
      payload: { command: '/deploy', text: 'now' },
    });
    assert.deepEqual(answer.body, { ok: true, acked: true, attempts: 1, payload: { text: 'deployed' } });
    assert.equal(link.envelopes()[0]?.accepts_response_payload, true);
    await closeAll();
  });

  for (const reason of ['link_disabled', 'refresh_requested', 'warning']) {
    it(`control: disconnect with reason ${reason} sends it and closes the socket`, async () => {
      const link = await connect();
      const answer = await control(emu, 'POST', 'socket-mode', { action: 'disconnect', reason });
      assert.equal(answer.body.connections, 1);
      await until('the close', () => link.closed, 5_000);
      assert.deepEqual(link.frames.at(-1), { type: 'disconnect', reason, debug_info: { host: 'emulator' } });
      await closeAll();
    });
  }

  it('control: drop cuts the socket without a disconnect message', async () => {
    const link = await connect();
    const answer = await control(emu, 'POST', 'socket-mode', { action: 'drop' });
    assert.equal(answer.body.connections, 1);
    await until('the close', () => link.closed);
    assert.equal(link.frames.at(-1)?.type, 'hello');
    await closeAll();
  });

  it('control: pings off leaves the client pings unanswered; on answers them again', async () => {
    const link = await connect();
    const pong = () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 500);
        link.ws.once('pong', () => {
          clearTimeout(timer);
          resolve(true);
        });
        link.ws.ping();
      });
    assert.equal(await pong(), true);
    await control(emu, 'POST', 'socket-mode', { action: 'pings', on: false });
    assert.equal(await pong(), false);
    await control(emu, 'POST', 'socket-mode', { action: 'pings', on: true });
    assert.equal(await pong(), true);
    await closeAll();
  });

  it('control: bad actions and reasons get 400 with a reason', async () => {
    const bad = await control(emu, 'POST', 'socket-mode', { action: 'explode' });
    assert.equal(bad.status, 400);
    const reason = await control(emu, 'POST', 'socket-mode', { action: 'disconnect', reason: 'x"}' });
    assert.equal(reason.status, 400);
    const app = await control(emu, 'POST', 'socket-mode', { app_id: 'A_NOPE', action: 'drop' });
    assert.equal(app.status, 400);
    const type = await control(emu, 'POST', 'socket-mode', { action: 'deliver', type: 'x', payload: {} });
    assert.equal(type.status, 400);
  });

  it('with no open connection (and socket_mode unset) events are not sent over Socket Mode', async () => {
    await closeAll();
    const before = emu.install.deliveries().length;
    await api(emu, 'chat.postMessage', { channel: channelId(emu, 'general'), text: 'nobody listens' }, emu.tokens.user);
    assert.equal(emu.install.deliveries().length, before);
  });

  it('socket_mode false keeps events off an open connection; true sends them over Socket Mode with none open', async () => {
    const appId = emu.workspace.appId;
    const link = await connect();
    const off = await control(emu, 'POST', `apps/${appId}`, { socket_mode: false });
    assert.equal(off.body.ok, true);
    const general = channelId(emu, 'general');
    const before = emu.install.deliveries().length;
    await api(emu, 'chat.postMessage', { channel: general, text: 'settings say no' }, emu.tokens.user);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(link.envelopes().length, 0);
    assert.equal(emu.install.deliveries().length, before);
    await closeAll();
    await control(emu, 'POST', `apps/${appId}`, { socket_mode: true });
    await api(emu, 'chat.postMessage', { channel: general, text: 'held for a socket' }, emu.tokens.user);
    await emu.install.deliveriesIdle();
    const record = emu.install.deliveries().at(-1);
    assert.equal(record?.url, 'socket-mode');
    assert.equal(record?.state, 'failed');
    assert.ok((record?.attempts.length ?? 0) >= 3, 'retried while no connection was open');
    const invalid = await control(emu, 'POST', `apps/${appId}`, { socket_mode: 'yes' });
    assert.equal(invalid.status, 400);
    await control(emu, 'POST', `apps/${appId}`, { socket_mode: null });
  });

  it('reaction_added and reaction_removed reach an app that subscribes to them, per reaction', async () => {
    const appId = emu.workspace.appId;
    await control(emu, 'POST', `apps/${appId}`, { bot_events: ['reaction_added', 'reaction_removed'] });
    const link = await connect();
    const general = channelId(emu, 'general');
    const posted = await api(emu, 'chat.postMessage', { channel: general, text: 'react to me' }, emu.tokens.bot);
    const ts = String(posted.body.ts);
    assert.equal(link.envelopes().length, 0, 'message.channels is no longer subscribed');
    assert.equal(
      (await api(emu, 'reactions.add', { channel: general, timestamp: ts, name: 'tada' }, emu.tokens.user)).body.ok,
      true,
    );
    assert.equal(
      (await api(emu, 'reactions.remove', { channel: general, timestamp: ts, name: 'tada' }, emu.tokens.user)).body.ok,
      true,
    );
    await until('two reaction events', () => link.envelopes().length >= 2);
    const events = link.envelopes().map((e) => e.payload?.event);
    const alice = userId(emu, 'alice');
    for (const [i, type] of ['reaction_added', 'reaction_removed'].entries()) {
      assert.equal(events[i]?.type, type);
      assert.equal(events[i]?.user, alice);
      assert.equal(events[i]?.reaction, 'tada');
      assert.equal(events[i]?.item_user, emu.workspace.botUserId);
      assert.deepEqual(events[i]?.item, { type: 'message', channel: general, ts });
      assert.match(String(events[i]?.event_ts), /^\d+\.\d{6}$/);
    }
    await control(emu, 'POST', `apps/${appId}`, { bot_events: ['app_mention', 'message.channels'] });
    await closeAll();
  });
});

describe('emulator: the Socket Mode server alone', () => {
  async function serve(): Promise<{ server: SocketModeServer; link: Link; stop: () => void }> {
    const server = new SocketModeServer({ ws: { WebSocketServer }, now: () => Date.now(), scale: () => 1 });
    const http = createServer();
    http.on('upgrade', (req, socket, head) => {
      if (!server.upgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const link = new Link(server.mint('A0ALONE01', `http://127.0.0.1:${(http.address() as AddressInfo).port}/`));
    await until('hello', () => link.frames.some((f) => f.type === 'hello'));
    return {
      server,
      link,
      stop: () => {
        link.ws.terminate();
        server.close();
        http.close();
      },
    };
  }

  it('an ack counts only with the envelope id as sent: another id of the same shape is ignored', async () => {
    const { server, link, stop } = await serve();
    try {
      link.ack = false;
      let settled = false;
      const delivery = server.deliver('A0ALONE01', 'slash_commands', { command: '/x' }).finally(() => {
        settled = true;
      });
      await until('the envelope', () => link.envelopes().length === 1);
      const id = link.envelopes()[0]?.envelope_id ?? '';
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const last = id.at(-1) === '0' ? '1' : '0';
      for (const wrong of [id.slice(0, -1) + last, `${id.slice(0, 19)}ffff${id.slice(23)}`, id.toUpperCase()]) {
        link.ws.send(JSON.stringify({ envelope_id: wrong, payload: { text: 'not this one' } }));
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(settled, false, 'an ack with another id settled the delivery');
      link.ws.send(JSON.stringify({ envelope_id: id, payload: { text: 'this one' } }));
      assert.deepEqual(await delivery, { acked: true, payload: { text: 'this one' }, attempts: 1 });
    } finally {
      stop();
    }
  });

  it('close() answers a delivery waiting for its ack at once, and sends it no more', async () => {
    const { server, link, stop } = await serve();
    try {
      link.ack = false;
      const delivery = server.deliver('A0ALONE01', 'events_api', { type: 'event_callback', event_id: 'Ev0ALONE' });
      await until('the envelope', () => link.envelopes().length === 1);
      const closedAt = performance.now();
      server.close();
      const result = await delivery;
      // Slack's ack deadline is 3 s: an answer within 1 s did not wait for it, or for a retry.
      assert.ok(performance.now() - closedAt < 1_000, `answered ${performance.now() - closedAt} ms after close()`);
      assert.equal(result.acked, false);
      assert.equal(link.envelopes().length, 1, 'the envelope was sent again after close()');
    } finally {
      stop();
    }
  });
});
