// How WebClient uses the HTTP core: who closes the pool, where the API URL comes from, and how
// upload failures are classified. Against a node:http stand-in for Slack on loopback.
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { InvalidResponseError, RequestError } from '../../src/http/errors.js';
import { WebClient } from '../../src/web/client.js';

let server: http.Server;
let url: string;
/** Remote ports of the connections that carried each request, in order. */
const ports: number[] = [];
let uploadUrl: string | undefined;
/**
 * One event-loop turn: undici (the default transport) puts a connection back in its pool a turn
 * after the answer, so that a server closing it despite keep-alive is seen first; only then is it
 * reused. Tests that follow one connection across calls wait for it.
 */
const pooled = () => new Promise<void>((r) => setImmediate(r));

async function refusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

before(async () => {
  server = http.createServer((req, res) => {
    ports.push(req.socket.remotePort ?? 0);
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.endsWith('files.getUploadURLExternal')) {
        const answer = uploadUrl === undefined ? { ok: true } : { ok: true, upload_url: uploadUrl, file_id: 'F1' };
        return void res.end(JSON.stringify(answer));
      }
      res.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
after(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

describe('ownership', () => {
  it("closing a withToken() client (as clientFor() makes) leaves its parent's pool open", async () => {
    const parent = new WebClient('xoxb-canary-parent', { slackApiUrl: url });
    await parent.auth.test();
    await pooled();
    const child = parent.withToken('xoxb-canary-child');
    await child.auth.test();
    await pooled();
    child.close();
    await parent.auth.test();
    await pooled();
    const [a, b, c] = ports.slice(-3);
    assert.equal(a, b, 'the child shares the connection');
    assert.equal(b, c, "the parent's connection survived the child's close()");
    parent.close();
    await parent.auth.test();
    assert.notEqual(ports.at(-1), c, 'close() on the owner freed its pool');
    parent.close();
  });

  it('a client given `core` never closes it', async () => {
    const owner = new WebClient('xoxb-canary-owner', { slackApiUrl: url });
    await owner.auth.test();
    await pooled();
    const guest = new WebClient('xoxb-canary-guest', { slackApiUrl: url, core: owner.core });
    guest.close();
    await owner.auth.test();
    assert.equal(ports.at(-1), ports.at(-2));
    owner.close();
  });
});

describe('slackApiUrl', () => {
  it('defaults to SLACK_API_URL when it is set', async () => {
    const before = process.env.SLACK_API_URL;
    process.env.SLACK_API_URL = url;
    try {
      const client = new WebClient('xoxb-canary-env');
      assert.equal(client.slackApiUrl, url);
      const n = ports.length;
      assert.equal((await client.auth.test()).ok, true);
      assert.equal(ports.length, n + 1, 'the call went to SLACK_API_URL');
      client.close();
      assert.equal(
        new WebClient('xoxb-canary-env', { slackApiUrl: 'http://x.test/api/' }).slackApiUrl,
        'http://x.test/api/',
      );
    } finally {
      if (before === undefined) delete process.env.SLACK_API_URL;
      else process.env.SLACK_API_URL = before;
    }
  });
});

describe('upload failures', () => {
  it('a stream whose upload was refused keeps ECONNREFUSED (not "uploaded twice")', async () => {
    uploadUrl = `http://127.0.0.1:${await refusedPort()}/upload`;
    const client = new WebClient('xoxb-canary-upload', { slackApiUrl: url });
    const retried: string[] = [];
    client.on('retry', (e) => retried.push(e.method));
    try {
      const file = Readable.from([Buffer.from('streamed bytes')]);
      await assert.rejects(
        client.files.uploadV2({ file, length: 14, filename: 'a.txt', channel_id: 'C1' }),
        (e: unknown) => e instanceof RequestError && e.detail === 'ECONNREFUSED' && e.mayHaveBeenReceived === false,
      );
      assert.deepEqual(retried, [], 'a stream read once is never sent again');
    } finally {
      uploadUrl = undefined;
      client.close();
    }
  });

  it('Slack answering without an upload URL is an InvalidResponseError, not the caller’s fault', async () => {
    const client = new WebClient('xoxb-canary-upload', { slackApiUrl: url });
    await assert.rejects(
      client.files.uploadV2({ content: 'x', channel_id: 'C1' }),
      (e: unknown) => e instanceof InvalidResponseError && e.method === 'files.getUploadURLExternal',
    );
    uploadUrl = 'file:///etc/passwd';
    await assert.rejects(client.files.uploadV2({ content: 'x', channel_id: 'C1' }), InvalidResponseError);
    uploadUrl = undefined;
    client.close();
  });
});
