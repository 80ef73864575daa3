// A child process for limits.test.ts: a real `startServer` on loopback (memory store), with its
// defaults. Prints {"port"} once listening; on each "mem" line from stdin, collects garbage and
// prints its memory, so the parent measures the server alone, not itself.
import { createInterface } from 'node:readline';
import { startServer } from '../../src/server/index.js';

const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  env: {
    SLACK_CLIENT_ID: '1.2',
    SLACK_CLIENT_SECRET: 'canary-client-secret-slow',
    SLACK_SIGNING_SECRET: 'canary-signing-secret-slow',
    SLACKLINE_DATABASE_URL: 'memory:',
  },
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const gc = (globalThis as { gc?: () => void }).gc;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'mem') return;
  // Collected twice, a turn apart: the first collection frees dead buffers' memory only when V8's
  // array-buffer sweeper has run, so a single gc() left a varying 0-40 MiB of dead bodies counted.
  gc?.();
  setImmediate(() => {
    gc?.();
    const { heapUsed, external, rss } = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ heapUsed, external, rss })}\n`);
  });
});
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
