// The request-path structures of test/http/churn.test.ts, each driven as requests drive it (run in a
// child process by promotedInChild). Every step holds 1 KiB of young objects, as a parsed request does.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as ws from 'ws';
import { SocketModeServer } from '../../src/emulator/socket-mode/server.js';
import { MemoryDedupeStore } from '../../src/events/memory-dedupe.js';
import { DeadlineQueue } from '../../src/http/deadlines.js';
import { Running } from '../../src/http/running.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import { MemoryInstallationStore } from '../../src/oauth/memory-store.js';
import { WebClient } from '../../src/web/client.js';
import { garbage, type PromotionCase } from '../helpers/promoted.js';
import { install } from '../stores/conformance.js';

export const REQUESTS = 32_000;

export const cases: Record<string, PromotionCase> = {
  // 16 in flight, as at 16 concurrent requests: each deadline is cancelled 16 arms later.
  deadlines: {
    steps: REQUESTS,
    async setup() {
      const queue = new DeadlineQueue(60_000);
      const window: ReturnType<DeadlineQueue['arm']>[] = [];
      return {
        step: () => {
          const held = garbage(1);
          window.push(queue.arm(() => held.length));
          if (window.length > 16) queue.cancel(window.shift()!);
        },
        teardown: () => {
          for (const d of window) queue.cancel(d);
        },
      };
    },
  },
  // 16 pieces of work tracked at a time, each settling with what it held.
  running: {
    steps: REQUESTS / 16,
    async setup() {
      const running = new Running();
      return {
        step: () => Promise.all(Array.from({ length: 16 }, () => running.track(Promise.resolve(garbage(1))))),
        teardown: () => running.settled(),
      };
    },
  },
  // Every request of one workspace answered from authorize()'s cache.
  authorize: {
    steps: REQUESTS,
    async setup() {
      const store = new MemoryInstallationStore();
      await store.save(install({ team: 'T0CHURN1', token: 'xoxb-canary-churn' }));
      const authority = new InstallationAuthority(store, { scopes: [], client: new WebClient() });
      const query = { enterpriseId: null, teamId: 'T0CHURN1', isEnterpriseInstall: false };
      return { step: () => authority.authorize(query).then(() => garbage(1)) };
    },
  },
  // Every request's event id claimed in the in-process de-dup store, which keeps them all (an hour).
  'memory dedupe store': {
    steps: REQUESTS,
    async setup() {
      const store = new MemoryDedupeStore(100_000);
      const prefix = `${Date.now().toString(16).padStart(12, '0')}-0000-4000-8000-`;
      return {
        step: (i) => {
          const held = garbage(1);
          // Built per request, as a parsed envelope's id is.
          if (!store.claimNow(`${prefix}${i.toString(16).padStart(12, '0')}`, 3_600_000, Date.now()))
            throw new Error('refused');
          return held.length;
        },
      };
    },
  },
  // The emulator's Socket Mode side: envelopes delivered 16 at a time to a client that acks each.
  'socket-mode server': {
    steps: REQUESTS / 16,
    async setup() {
      const server = new SocketModeServer({ ws, now: () => Date.now(), scale: () => 1 });
      const http = createServer();
      http.on('upgrade', (req, socket, head) => {
        if (!server.upgrade(req, socket, head)) socket.destroy();
      });
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
      const client = new ws.WebSocket(server.mint('A0CHURN01', base));
      await new Promise<void>((resolve) => {
        client.on('message', (data) => {
          const message = JSON.parse(String(data)) as { type: string; envelope_id?: string };
          if (message.type === 'hello') resolve();
          if (message.envelope_id !== undefined) client.send(JSON.stringify({ envelope_id: message.envelope_id }));
        });
      });
      const event = () => ({ type: 'event_callback', event: { type: 'message', held: garbage(1) } });
      return {
        step: () => Promise.all(Array.from({ length: 16 }, () => server.deliver('A0CHURN01', 'events_api', event()))),
        teardown: () => {
          client.terminate();
          server.close();
          http.close();
        },
      };
    },
  },
};
