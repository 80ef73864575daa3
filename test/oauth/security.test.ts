// Hostile input at the callback: malformed states, open-redirect targets. The bounds are the issue's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Installer } from '../../src/oauth/installer.js';
import { MemoryInstallationStore } from '../../src/oauth/memory-store.js';
import { WebClient } from '../../src/web/client.js';
import { callback, consent, type Harness, startHarness, startInstall } from './harness.js';

/** A small seeded generator, so a failure names a reproducible input. */
function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const ALPHABET = Array.from('AZaz09_-=+/%.&#?;:<>"\'` \t\u0000é😀\\\r\n');

function hostileStates(count: number, wellFormedUnknown: () => string): string[] {
  const r = rng(42);
  const pick = (s: string[]) => s[Math.floor(r() * s.length)] ?? '';
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    switch (i % 8) {
      case 0:
        out.push(wellFormedUnknown()); // right shape, never issued
        break;
      case 1:
        out.push(''.padEnd(Math.floor(r() * 300), 'A'));
        break;
      case 2:
        out.push(`${wellFormedUnknown()}${pick(ALPHABET)}`); // 44 characters
        break;
      case 3:
        out.push(`' OR 1=1; DROP TABLE slackline_oauth_states; --${i}`);
        break;
      case 4:
        out.push(`<script>alert(${i})</script>`);
        break;
      default:
        out.push(Array.from({ length: 1 + Math.floor(r() * 60) }, () => pick(ALPHABET)).join(''));
    }
  }
  return out;
}

describe('hostile callbacks through serve', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('10,000 malformed or hostile states → 0 store writes, 0 exchanges, 0 5xx, nothing reflected', {
    timeout: 180_000,
  }, async () => {
    const pending = await startInstall(h); // a real install in flight must survive the flood
    const pendingUrl = consent(h, pending);
    const other = await startInstall(h);
    const r = rng(7);
    const unknown = () =>
      Array.from(
        { length: 43 },
        () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[Math.floor(r() * 64)],
      ).join('');
    const states = hostileStates(10_000, unknown);
    const [writes, exchanges] = [h.writes(), h.exchanges()];
    const statuses = new Map<number, number>();
    let reflected = 0;
    let next = 0;
    const worker = async () => {
      while (next < states.length) {
        const i = next++;
        const state = states[i] as string;
        const url = new URL('/slack/oauth_redirect', h.server.url);
        url.searchParams.set('code', '1.2.3');
        url.searchParams.set('state', state);
        if (i % 10 === 9) url.searchParams.append('state', pending.state); // a second, valid-looking state
        // Cookies: matching (the attacker controls both), another browser's, or none.
        const cookie =
          i % 3 === 0 ? `slackline_state=${encodeURIComponent(state)}` : i % 3 === 1 ? other.cookie : undefined;
        const res = await callback(url.href, cookie);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (state.length >= 12 && res.body.includes(state)) reflected++;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    assert.equal(h.writes(), writes);
    assert.equal(h.exchanges(), exchanges);
    assert.equal([...statuses.keys()].filter((s) => s >= 500).length, 0, JSON.stringify([...statuses]));
    assert.deepEqual([...statuses.keys()], [400]);
    assert.equal(reflected, 0);
    const done = await callback(pendingUrl, pending.cookie);
    assert.equal(done.status, 200);
  });
});

const EVIL = ['evil.example', 'attacker.test', '127.0.0.2', 'app.example.evil.example'];
const PATTERNS = [
  (e: string) => `https://${e}/`,
  (e: string) => `http://${e}/done`,
  (e: string) => `//${e}/`,
  (e: string) => `///${e}/`,
  (e: string) => `////${e}`,
  (e: string) => `/\\${e}`,
  (e: string) => `\\\\${e}`,
  (e: string) => `https:${e}`,
  (e: string) => `https:/${e}`,
  (e: string) => `https://app.example@${e}/`,
  (e: string) => `https://app.example:443@${e}`,
  (e: string) => `https://${e}#https://app.example/`,
  (e: string) => `https://${e}?https://app.example/`,
  (e: string) => ` https://${e}`,
  (e: string) => `\thttps://${e}`,
  (e: string) => `/%0d%0aLocation:%20https://${e}`,
  (e: string) => `/\r\nLocation: https://${e}`,
  (e: string) => `javascript://${e}/%0aalert(1)`,
  (e: string) => `data:text/html,<a href=https://${e}>`,
  (e: string) => `https://${e}\\@app.example`,
  (e: string) => `http://app.example.${e}/`,
  (e: string) => `/%2f%2f${e}`,
  (e: string) => `/.${e}`,
  (e: string) => `https://app.example.${e}`,
  (e: string) => `ftp://${e}/`,
];

test('100 hostile success redirect targets → 0 off-origin Location headers', async () => {
  const targets = EVIL.flatMap((e) => PATTERNS.map((p) => p(e)));
  assert.equal(targets.length, 100);
  const { startEmulator } = await import('../../src/emulator/index.js');
  const emulator = await startEmulator({});
  const redirectUri = 'https://app.example/slack/oauth_redirect';
  emulator.install.configureApp(emulator.clientId, { redirectUrls: [redirectUri] });
  const client = new WebClient(undefined, { slackApiUrl: emulator.apiUrl });
  let offOrigin = 0;
  let refused = 0;
  try {
    for (const target of targets) {
      let installer: Installer;
      try {
        installer = new Installer({
          clientId: emulator.clientId,
          clientSecret: emulator.clientSecret,
          scopes: ['chat:write'],
          redirectUri,
          installationStore: new MemoryInstallationStore(),
          client,
          authorizeUrl: `${emulator.url}oauth/v2/authorize`,
          successUrl: target,
        });
      } catch {
        refused++;
        continue;
      }
      // A whole install, with hostile "next" parameters added for good measure.
      const page = await installer.handleInstall(
        new Request(`https://app.example/slack/install?redirect_uri=${encodeURIComponent(target)}`),
      );
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const href = /href="([^"]+)"/
        .exec(await page.text())?.[1]
        ?.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
      const { location } = emulator.install.approve(href ?? '');
      const back = new URL(location);
      back.searchParams.set('next', target);
      back.searchParams.set('return_to', target);
      const res = await installer.handleCallback(new Request(back.href, { headers: { cookie } }));
      assert.ok(res.status === 302 || res.status === 200, `${target}: ${res.status}`);
      const where = res.headers.get('location');
      if (where !== null && new URL(where, redirectUri).origin !== 'https://app.example') offOrigin++;
    }
  } finally {
    client.core.close();
    await emulator.close();
  }
  assert.equal(offOrigin, 0);
  assert.ok(refused > 0);
});
