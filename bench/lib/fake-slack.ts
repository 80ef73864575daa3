// A minimal Slack stand-in for throughput benchmarks: it reads each request body and answers
// chat.postMessage as Slack does. Kept tiny so the client, not the server, is what is measured.
// Run as a child process: prints its port on stdout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let ts = 1_700_000_000_000_000;
const server = http.createServer((req, res) => {
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
  });
  req.on('end', () => {
    ts++;
    const stamp = `${Math.floor(ts / 1e6)}.${String(ts % 1e6).padStart(6, '0')}`;
    const body = `{"ok":true,"channel":"C0123456789","ts":"${stamp}","message":{"type":"message","text":"hello","bot_id":"B01","ts":"${stamp}","bytes":${size}}}`;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-slack-req-id': String(ts),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
