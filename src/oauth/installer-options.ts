// The Installer's options, checked once at construction: a bad option is an InvalidArgumentError
// that names it and shows the right shape, never a flow that fails later on the first install.
import { InvalidArgumentError } from '../http/errors.js';
import { checkLogger } from '../http/logger.js';
import type { InstallerOptions } from './installer.js';
import { isLoopback } from './state.js';

const WHERE = 'Installer';
const fail = (message: string) => new InvalidArgumentError(`${WHERE}: ${message}`);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';
const scopeList = (v: unknown) => Array.isArray(v) && v.every((s) => nonEmpty(s) && !/[\s,]/.test(s));

/** Checks every option; returns the parsed redirect URL (OAuth mode) or undefined (one-token mode). */
export function checkInstallerOptions(options: InstallerOptions): URL | undefined {
  if (typeof options !== 'object' || options === null) throw fail('pass options');
  if (typeof options.client?.oauth?.v2?.access !== 'function') {
    throw fail('client must be a WebClient (e.g. client: new WebClient())');
  }
  for (const name of ['cacheTtlMs', 'cacheSize'] as const) {
    const v = options[name];
    if (v !== undefined && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
      throw fail(`${name} must be a whole number >= 0`);
    }
  }
  if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
    throw fail('clock must be a Clock ({ now(): epoch milliseconds, scale })');
  }
  checkLogger(options.logger, WHERE);
  if ('botToken' in options) {
    if (!nonEmpty(options.botToken))
      throw fail('botToken must be a non-empty string (e.g. process.env.SLACK_BOT_TOKEN)');
    return undefined;
  }
  for (const name of ['clientId', 'clientSecret', 'redirectUri'] as const) {
    if (!nonEmpty(options[name])) throw fail(`${name} is required (a non-empty string)`);
  }
  if (!scopeList(options.scopes)) throw fail("scopes must be an array of scope names, e.g. ['chat:write']");
  if (options.userScopes !== undefined && !scopeList(options.userScopes)) {
    throw fail("userScopes must be an array of scope names, e.g. ['search:read']");
  }
  const store = options.installationStore as unknown as Record<string, unknown> | undefined;
  if (typeof store?.save !== 'function' || typeof store?.findInstallation !== 'function') {
    throw fail('installationStore must be an InstallationStore (memory, file, SQLite, PostgreSQL)');
  }
  const states = options.stateStore as unknown as Record<string, unknown> | undefined;
  if (states !== undefined && (typeof states?.put !== 'function' || typeof states?.consume !== 'function')) {
    throw fail('stateStore must be a StateStore (put, consume)');
  }
  const ttl = options.stateTtlMs;
  if (ttl !== undefined && !(Number.isSafeInteger(ttl) && ttl >= 1000)) {
    throw fail('stateTtlMs must be a whole number of milliseconds, at least 1000');
  }
  if (options.onInstalled !== undefined && typeof options.onInstalled !== 'function') {
    throw fail('onInstalled must be a function');
  }
  const redirect = httpUrl(options.redirectUri, 'redirectUri');
  if (redirect.protocol !== 'https:' && !isLoopback(redirect.hostname)) {
    throw fail('redirectUri must be https (or http://localhost for development)');
  }
  if (options.authorizeUrl !== undefined) httpUrl(options.authorizeUrl, 'authorizeUrl');
  if (options.appName !== undefined && !(nonEmpty(options.appName) && options.appName.length <= 200)) {
    throw fail('appName must be a non-empty string of at most 200 characters');
  }
  return redirect;
}

function httpUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail(`${name} must be an absolute URL, e.g. https://app.example/slack/oauth_redirect`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail(`${name} must be an http(s) URL`);
  return url;
}
