// Helpers for the emulator's OAuth side over real HTTP: the consent page as a browser would drive it
// (GET the page, POST its form), oauth.v2.access, and a node:http server that receives events.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator } from '../../src/emulator/index.js';

export const REDIRECT = 'http://localhost:3000/slack/oauth_redirect';

export function authorizeUrl(emu: Emulator, params: Record<string, string>): string {
  const url = new URL('oauth/v2/authorize', emu.url);
  url.searchParams.set('client_id', emu.clientId);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

export interface PageResult {
  status: number;
  headers: Headers;
  html: string;
}

export async function getPage(url: string): Promise<PageResult> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

/** The value of a hidden or select field's first option on the page. */
export function field(html: string, name: string): string | undefined {
  const input = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  return input?.[1];
}

/** Opens the consent page, then submits its form like a browser; answers the 302 Location. */
export async function consent(
  url: string,
  decision: 'allow' | 'cancel' = 'allow',
  extra: Record<string, string> = {},
): Promise<{ status: number; location: string | null; headers: Headers }> {
  const page = await getPage(url);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${page.html}`);
  const form = new URLSearchParams({ ticket: field(page.html, 'ticket') ?? '', decision });
  const team = field(page.html, 'team');
  if (team !== undefined) form.set('team', team);
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  const res = await fetch(new URL('/oauth/v2/authorize', url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get('location'), headers: res.headers };
}

export async function codeFor(emu: Emulator, params: Record<string, string>): Promise<string> {
  const { location } = await consent(authorizeUrl(emu, params));
  const code = location === null ? null : new URL(location).searchParams.get('code');
  if (code === null) throw new Error(`no code in ${location}`);
  return code;
}

export interface Exchange {
  code?: string;
  redirect_uri?: string;
  grant_type?: string;
  refresh_token?: string;
  code_verifier?: string;
  /** 'basic' (default), 'form', or explicit credentials sent as form fields. */
  auth?: 'basic' | 'form' | { client_id?: string; client_secret?: string };
}

export async function access(emu: Emulator, ex: Exchange): Promise<Record<string, unknown>> {
  const form = new URLSearchParams();
  for (const key of ['code', 'redirect_uri', 'grant_type', 'refresh_token', 'code_verifier'] as const) {
    const v = ex[key];
    if (v !== undefined) form.set(key, v);
  }
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const auth = ex.auth ?? 'basic';
  if (auth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64')}`;
  } else if (auth === 'form') {
    form.set('client_id', emu.clientId);
    form.set('client_secret', emu.clientSecret);
  } else {
    for (const [k, v] of Object.entries(auth)) if (v !== undefined) form.set(k, v);
  }
  const res = await fetch(`${emu.apiUrl}oauth.v2.access`, { method: 'POST', headers, body: form });
  return (await res.json()) as Record<string, unknown>;
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local app server for events: `answer` decides each reply (status, delay in ms). */
export async function receiver(
  answer: (n: number) => { status: number; delayMs?: number; echoChallenge?: boolean } = () => ({ status: 200 }),
): Promise<{ url: string; received: Received[]; close(): Promise<void>; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const { status, delayMs, echoChallenge = true } = answer(received.length);
      // A real app answers url_verification with the challenge; `echoChallenge: false` plays one that does not.
      const text = Buffer.concat(chunks).toString('utf8');
      const challenge = text.includes('"url_verification"')
        ? (JSON.parse(text) as { challenge: string }).challenge
        : '';
      const send = () => {
        if (!res.destroyed) res.writeHead(status).end(echoChallenge ? challenge : '');
      };
      if (delayMs === undefined) send();
      else setTimeout(send, delayMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    received,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
