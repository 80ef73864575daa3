// One of the processes in the shared-budget test: a WebClient whose limiter keeps its budgets in
// Redis, on a clock aligned with the emulator's. Prints one JSON line with what it saw.
import { createClient } from 'redis';
import { scaledClock } from '../../src/http/clock.js';
import { redisLimiterStore } from '../../src/stores/redis/index.js';
import { WebClient } from '../../src/web/index.js';

export interface WorkerInput {
  apiUrl: string;
  token: string;
  redisUrl: string;
  prefix: string;
  scale: number;
  /** The emulator's clock reading at real time `realAt`. */
  emuNow: number;
  realAt: number;
  calls: { method: string; args: Record<string, unknown> }[];
}

const input = JSON.parse(process.argv[2] ?? '{}') as WorkerInput;
const redis = createClient({ url: input.redisUrl });
await redis.connect();
const clock = scaledClock(input.scale, input.emuNow + (Date.now() - input.realAt) * input.scale);
const client = new WebClient(input.token, {
  slackApiUrl: input.apiUrl,
  clock,
  rateLimits: { store: redisLimiterStore(redis, { prefix: input.prefix }) },
});
let limited = 0;
const limitedBuckets: string[] = [];
client.on('rateLimited', (e) => {
  limited += 1;
  limitedBuckets.push(String(e.bucket));
});
const started = clock.now();
let ok = 0;
const failures: string[] = [];
await Promise.all(
  input.calls.map(async ({ method, args }) => {
    try {
      await client.apiCall(method, args);
      ok += 1;
    } catch (error) {
      failures.push(String(error));
    }
  }),
);
process.stdout.write(`${JSON.stringify({ ok, limited, limitedBuckets, failures, started, ended: clock.now() })}\n`);
client.core.close();
await redis.quit();
