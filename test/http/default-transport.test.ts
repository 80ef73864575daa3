// The default transport: undici, loaded at the first request (not at import) and only the part of it
// the transport uses; node:http where undici cannot be loaded. What each transport does is tested in
// core.test.ts, faults.test.ts and undici-transport.test.ts; here, only the choice.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { HttpCore } from '../../src/http/core.js';
import { type DefaultTransport, transportFor } from '../../src/http/default-transport.js';

const run = promisify(execFile);
let server: http.Server;
let url: URL;

before(async () => {
  server = http.createServer((req, res) => {
    req.on('end', () => res.end('ok')).resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const request = {
  url: new URL('x', 'http://127.0.0.1/'),
  method: 'POST' as const,
  headers: {},
  body: 'x',
  timeoutMs: 5_000,
};

describe('the default transport', () => {
  it('is chosen at the first request: undici, which is a dependency', async () => {
    const core = new HttpCore();
    const transport = core.transport as DefaultTransport;
    assert.equal(transport.kind, undefined, 'nothing chosen (or loaded) before a request');
    const answer = await transport.send({ ...request, url });
    assert.equal(answer.body.toString(), 'ok');
    assert.equal(transport.kind, 'undici');
    core.close();
  });

  it('falls back to node:http without undici', async () => {
    const { kind, transport } = transportFor(undefined);
    assert.equal(kind, 'node:http');
    const answer = await transport.send({ ...request, url });
    assert.equal(answer.body.toString(), 'ok');
    transport.close();
  });

  it('loads undici only when a request is made, and only its Agent', async () => {
    // A fresh process: what importing the web door loads, then what the first request adds.
    const web = new URL('../../src/web/index.js', import.meta.url).href;
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/undici/'));
      const { WebClient } = await import(${JSON.stringify(web)});
      const atImport = loaded().length;
      const client = new WebClient('xoxb-canary-default', { slackApiUrl: ${JSON.stringify(url.href)}, retryHandlers: [] });
      await client.apiCall('auth.test').catch(() => {});
      const files = loaded();
      console.log(JSON.stringify({ atImport, main: files.some((f) => f.endsWith('/undici/index.js')), agent: files.some((f) => f.endsWith('/lib/dispatcher/agent.js')) }));
      client.close();
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout), { atImport: 0, main: false, agent: true });
  });
});
