// Compile-only checks of the options that a shared `core` makes meaningless (not run: the name does
// not end in .test.ts). `tsc -p tsconfig.json` fails when an `@ts-expect-error` line compiles.

import { scaledClock } from '../../src/http/clock.js';
import { HttpCore } from '../../src/http/core.js';
import type { HttpMethod } from '../../src/http/retry.js';
import { WebClient } from '../../src/web/client.js';
import { IncomingWebhook } from '../../src/webhook/index.js';

declare const core: HttpCore;

export function webClientWithCore(): void {
  // @ts-expect-error the core brings its own limiter (or none)
  new WebClient('t', { core, rateLimits: false });
  // @ts-expect-error the core brings its own retry handlers
  new WebClient('t', { core, retryHandlers: [] });
  // @ts-expect-error the core brings its own transport
  new WebClient('t', { core, fetch });
  // @ts-expect-error the core brings its own per-attempt timeout
  new WebClient('t', { core, timeoutMs: 1_000 });
  // @ts-expect-error the core brings its own clock
  new WebClient('t', { core, clock: scaledClock(2) });
  // @ts-expect-error the core brings its own logger
  new WebClient('t', { core, logger: console });
  // @ts-expect-error the core brings its own Retry-After cap
  new WebClient('t', { core, maxRetryAfterMs: 1_000 });

  // What still means something per client:
  new WebClient('t', { core, slackApiUrl: 'http://localhost/api/', team: 'T1', retryWrites: true, deadlineMs: 5_000 });
  new WebClient('t', { core, headers: { 'x-trace': '1' } });
  // And without a core, every core option:
  new WebClient('t', {
    rateLimits: false,
    retryHandlers: [],
    timeoutMs: 1_000,
    deadlineMs: 5_000,
    maxRetryAfterMs: 60_000,
  });
}

export function webhookWithCore(): void {
  // @ts-expect-error the core brings its own transport
  new IncomingWebhook('https://hooks.example/x', { core, fetch });
  // @ts-expect-error the core brings its own retry handlers
  new IncomingWebhook('https://hooks.example/x', { core, retryHandlers: [] });
  new IncomingWebhook('https://hooks.example/x', { core, deadlineMs: 5_000, defaults: { text: 'x' } });
  new IncomingWebhook('https://hooks.example/x', { timeoutMs: 5_000, retryHandlers: [] });
}

export function verbs(): void {
  const ok: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
  // @ts-expect-error not a verb the core sends
  const bad: HttpMethod = 'TRACE';
  void [ok, bad, new HttpCore()];
}
