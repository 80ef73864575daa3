// Shared by the rate-limit and retry tests: an emulator and clients on one (optionally scaled)
// clock, a count of unhandled rejections, and small measuring helpers.
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { type Clock, scaledClock } from '../../src/http/clock.js';
import { WebClient, type WebClientOptions } from '../../src/web/index.js';

export interface Rig {
  emu: Emulator;
  clock: Clock;
  client(options?: WebClientOptions, token?: string): WebClient;
  channel(name: string): string;
  close(): Promise<void>;
}

/** An emulator on a clock `scale` times faster than real time, and clients on the same clock. */
export async function rig(scale = 1, rateLimits = false): Promise<Rig> {
  const emu = await startEmulator({ clock: { scale }, rateLimits });
  const clock = scaledClock(scale, emu.clock.now());
  const clients: WebClient[] = [];
  return {
    emu,
    clock,
    client(options = {}, token = emu.tokens.bot) {
      // A test that shares a `core` brings its own clock; the rig's applies to clients that build one.
      const client = new WebClient(token, { slackApiUrl: emu.apiUrl, clock, ...options } as WebClientOptions);
      clients.push(client);
      return client;
    },
    channel(name) {
      for (const c of emu.state.channels.values()) if (c.name === name) return c.id;
      throw new Error(`no channel ${name}`);
    },
    async close() {
      for (const c of clients) c.core.close();
      await emu.close();
    },
  };
}

/** Counts unhandled rejections from here on; the suite asserts it stays 0. */
export function trackUnhandled(): { readonly count: number } {
  const seen = { count: 0 };
  process.on('unhandledRejection', () => {
    seen.count += 1;
  });
  return seen;
}

export function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
}

/** Real milliseconds `promise` took to settle, and how it settled. */
export async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const t0 = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}
