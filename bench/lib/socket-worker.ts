// One Socket Mode client in its own process: `slackline`, `@slack/socket-mode`, or `ws` (a bare
// WebSocket that parses each envelope and acks it, writing its acks as slackline does, nothing
// else: the least CPU a client on `ws` can spend, and so the most any client can get from this
// server in this run), acking every envelope at once. Prints "ready" once
// connected; on SIGUSR2 prints its CPU time and peak RSS.
import WebSocket from 'ws';
import { FRAMES_PER_WRITE } from '../../src/socket-mode/connection.js';

const [which, apiUrl] = process.argv.slice(2) as [string, string];
const token = 'xapp-1-A0BENCH001-bench-canary';
let peakRss = process.memoryUsage.rss();
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50).unref();
const cpuAtStart = process.cpuUsage();
let acked = 0;

// Each client loads only its own code (imported in its branch): the other's modules in this heap
// would be traced by every full collection (seen in bench/lib/events-server.ts).
if (which === 'slackline') {
  const { SocketModeClient } = await import('../../src/socket-mode/index.js');
  const client = new SocketModeClient({ appToken: token, slackApiUrl: apiUrl });
  client.on('events_api', ({ ack }) => {
    ack();
    acked++;
  });
  await client.start();
} else if (which === 'ws') {
  const res = await fetch(`${apiUrl}apps.connections.open`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  const { url } = (await res.json()) as { url: string };
  const ws = new WebSocket(url);
  let corked = false;
  let batched = 0;
  await new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; envelope_id?: string };
      if (message.type === 'hello') resolve();
      if (message.envelope_id !== undefined) {
        // Acks written as slackline writes them (a turn's acks together, FRAMES_PER_WRITE to a
        // write): the cheapest a client can be.
        const raw = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
        if (!corked) {
          corked = true;
          raw.cork();
          setImmediate(() => {
            corked = false;
            batched = 0;
            raw.uncork();
          });
        }
        ws.send(JSON.stringify({ envelope_id: message.envelope_id }));
        if (++batched === FRAMES_PER_WRITE) {
          batched = 0;
          raw.uncork();
          raw.cork();
        }
        acked++;
      }
    });
  });
} else {
  const { SocketModeClient: PeerClient } = await import('@slack/socket-mode');
  const client = new PeerClient({ appToken: token, clientOptions: { slackApiUrl: apiUrl } });
  // The peer emits events_api envelopes under the event's own type; 'slack_event' is every envelope.
  client.on('slack_event', async ({ ack }: { ack: () => Promise<void> }) => {
    await ack();
    acked++;
  });
  await client.start();
}
console.log('ready');
process.on('SIGUSR2', () => {
  const cpu = process.cpuUsage(cpuAtStart);
  console.log(JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, peakRssMiB: peakRss / 2 ** 20, acked }));
});
process.on('SIGTERM', () => process.exit(0));
