// The one web-standard handler mounted in node:http, Express, Fastify and Hono, each on a real
// socket: a signed event reaches the dispatcher and a signed slash command is answered with its
// payload. Each framework gets the raw body (the signature covers the exact bytes).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { serve as honoServe } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { Dispatcher } from '../../src/events/dispatcher.js';
import { createEventsHandler, type EventsHandler } from '../../src/events/handler.js';
import { nodeListener, sendResponse, toRequest } from '../../src/server/node.js';
import { signedHeaders } from '../events/signed.js';

const SECRET = 'frameworks-test-secret';

function app(): { handler: EventsHandler; mentions: string[] } {
  const mentions: string[] = [];
  const dispatcher = new Dispatcher()
    .on('app_mention', ({ body }) => void mentions.push(body.event_id))
    .onCommand('/deploy', ({ body, ack }) => ack({ text: `deploying ${body.text}` }));
  return { handler: createEventsHandler({ signingSecret: SECRET, dispatcher }), mentions };
}

async function listening(server: http.Server): Promise<{ url: string; close(): Promise<void> }> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Delivers a signed event and a signed slash command to `url` and checks both answers. */
async function exercise(url: string, handler: EventsHandler, mentions: string[]): Promise<void> {
  const eventId = `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
  const event = JSON.stringify({
    type: 'event_callback',
    team_id: 'T1',
    event_id: eventId,
    event_time: 1,
    event: { type: 'app_mention', text: 'hi' },
  });
  const evRes = await fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: signedHeaders(SECRET, event),
    body: event,
  });
  assert.equal(evRes.status, 200, await evRes.clone().text());
  const command = new URLSearchParams({
    command: '/deploy',
    text: 'api',
    team_id: 'T1',
    channel_id: 'C1',
    user_id: 'U1',
    response_url: 'http://127.0.0.1:9/none',
    trigger_id: '1.2.abc',
  }).toString();
  const cmdRes = await fetch(`${url}/slack/commands`, {
    method: 'POST',
    headers: { ...signedHeaders(SECRET, command), 'content-type': 'application/x-www-form-urlencoded' },
    body: command,
  });
  assert.equal(cmdRes.status, 200);
  assert.deepEqual(await cmdRes.json(), { text: 'deploying api' });
  const forged = await fetch(`${url}/slack/commands`, {
    method: 'POST',
    headers: { ...signedHeaders('another-secret', command), 'content-type': 'application/x-www-form-urlencoded' },
    body: command,
  });
  assert.equal(forged.status, 401);
  await handler.idle();
  assert.deepEqual(mentions, [eventId]);
}

test('node:http (the slackline adapter)', async () => {
  const { handler, mentions } = app();
  const s = await listening(http.createServer(nodeListener(handler, 'http://localhost')));
  try {
    await exercise(s.url, handler, mentions);
  } finally {
    await s.close();
  }
});

test('Express 5: no body parser on the Slack routes, the adapter turns req into a Request', async () => {
  const { handler, mentions } = app();
  const ex = express();
  ex.post('/slack/:kind', async (req, res) => {
    await sendResponse(res, await handler(toRequest(req, 'http://localhost')));
  });
  const s = await listening(http.createServer(ex));
  try {
    await exercise(s.url, handler, mentions);
  } finally {
    await s.close();
  }
});

test('Fastify 5: the body kept as raw bytes, then a Request built from it', async () => {
  const { handler, mentions } = app();
  const fastify = Fastify();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  fastify.post('/slack/:kind', async (request, reply) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const response = await handler(
      new Request(`http://localhost${request.url}`, { method: 'POST', headers, body: request.body as Buffer }),
    );
    reply.code(response.status);
    response.headers.forEach((value, name) => void reply.header(name, value));
    return reply.send(Buffer.from(await response.arrayBuffer()));
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = fastify.server.address() as AddressInfo;
    await exercise(`http://127.0.0.1:${port}`, handler, mentions);
  } finally {
    await fastify.close();
  }
});

test('Hono 4 on @hono/node-server: the handler takes c.req.raw as it is', async () => {
  const { handler, mentions } = app();
  const hono = new Hono();
  hono.post('/slack/:kind', (c) => handler(c.req.raw));
  const server = await new Promise<http.Server>((resolve) => {
    const s = honoServe({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as http.Server));
  });
  const s = await listening(server);
  try {
    await exercise(s.url, handler, mentions);
  } finally {
    await s.close();
  }
});
