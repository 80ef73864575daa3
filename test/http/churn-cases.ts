// The request-path structures of test/http/churn.test.ts, each driven as requests drive it (run in a
// child process by promotedInChild). Every step holds 1 KiB of young objects, as a parsed request does.
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
};
