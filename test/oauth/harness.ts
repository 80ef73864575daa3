// The emulator plus a real `serve` (node:http) pointed at it, and the steps of a browser install
// done with fetch: the install page (cookie + link), the emulator's consent, the callback.
import { type Emulator, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import type { InstallationStore } from '../../src/oauth/types.js';
import { type RunningServer, type ServeOptions, startServer } from '../../src/server/index.js';

export interface Harness {
  emulator: Emulator;
  server: RunningServer;
  store: InstallationStore;
  /** Store writes (save/delete*) seen so far. */
  writes(): number;
  exchanges(): number;
  close(): Promise<void>;
}

/** The app's credentials and Slack's URLs for a serve pointed at the emulator. */
export function emulatorEnv(emulator: Emulator): NodeJS.ProcessEnv {
  return {
    SLACK_CLIENT_ID: emulator.clientId,
    SLACK_CLIENT_SECRET: emulator.clientSecret,
    SLACK_API_URL: emulator.apiUrl,
    SLACK_AUTHORIZE_URL: `${emulator.url}oauth/v2/authorize`,
  };
}

export async function startHarness(
  env: NodeJS.ProcessEnv = {},
  options: EmulatorOptions = {},
  serve: Pick<ServeOptions, 'onEvent' | 'onInstalled' | 'logger'> = {},
): Promise<Harness> {
  const emulator = await startEmulator(options);
  const server = await startServer({
    ...serve,
    port: 0,
    host: '127.0.0.1',
    env: {
      ...emulatorEnv(emulator),
      SLACK_SIGNING_SECRET: emulator.signingSecret,
      SLACK_SCOPES: 'chat:write,channels:read',
      SLACKLINE_DATABASE_URL: 'memory:',
      ...env,
    },
  });
  emulator.install.configureApp(emulator.clientId, {
    redirectUrls: [new URL('/slack/oauth_redirect', server.url).href],
    eventsUrl: new URL('/slack/events', server.url).href,
  });
  const store = server.stores?.installations as InstallationStore;
  let writes = 0;
  for (const name of ['save', 'deleteBot', 'deleteInstallation', 'deleteAll', 'deleteInstalledUpTo'] as const) {
    const original = store[name].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      writes++;
      return original(...args);
    };
  }
  return {
    emulator,
    server,
    store,
    writes: () => writes,
    exchanges: () => emulator.install.exchanges().length,
    close: async () => {
      await server.close();
      await emulator.close();
    },
  };
}

export interface Started {
  cookie: string;
  state: string;
  authorizeUrl: string;
  page: string;
  status: number;
}

/** The Add to Slack link of an install page, unescaped. */
export function addToSlackHref(page: string): string {
  return /href="([^"]+)"/.exec(page)?.[1]?.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))) ?? '';
}

export async function startInstall(h: Harness, query = ''): Promise<Started> {
  const res = await fetch(`${h.server.installUrl}${query}`);
  const page = await res.text();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const href = addToSlackHref(page);
  const state = href === '' ? '' : (new URL(href).searchParams.get('state') ?? '');
  return { cookie, state, authorizeUrl: href, page, status: res.status };
}

/** Allow (or Cancel) on the emulator's consent, returning the callback URL Slack would redirect to. */
export function consent(h: Harness, started: Started, allow = true, team?: string): string {
  return h.emulator.install.approve(started.authorizeUrl, { allow, ...(team === undefined ? {} : { team }) }).location;
}

export async function callback(url: string, cookie: string | undefined) {
  const res = await fetch(url, { headers: cookie === undefined ? {} : { cookie }, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
