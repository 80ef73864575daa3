// One Socket Mode client in its own process: `slackline` or `@slack/socket-mode`, acking every
// envelope at once. Prints "ready" once connected; on SIGUSR2 prints its CPU time and peak RSS.
import { SocketModeClient as PeerClient } from '@slack/socket-mode';
import { SocketModeClient } from '../../src/socket-mode/index.js';

const [which, apiUrl] = process.argv.slice(2) as [string, string];
const token = 'xapp-1-A0BENCH001-bench-canary';
let peakRss = process.memoryUsage.rss();
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50).unref();
const cpuAtStart = process.cpuUsage();
let acked = 0;

if (which === 'slackline') {
  const client = new SocketModeClient({ appToken: token, slackApiUrl: apiUrl });
  client.on('events_api', ({ ack }) => {
    ack();
    acked++;
  });
  await client.start();
} else {
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
