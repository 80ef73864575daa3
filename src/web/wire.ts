// How a Web API call goes on the wire, as Slack expects it: always POST, the token only in
// `Authorization: Bearer` (never in a URL or a body), JSON for methods that accept it and form
// encoding for the rest, with objects and arrays JSON-encoded inside forms.
import { InvalidArgumentError } from '../http/errors.js';

// Method names are dotted words. Anything else (`/`, `..`, `:`, `?`, `%`) could move the request
// off the API path or to another host, taking the token with it, so it is refused before sending.
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;

export function checkMethodName(method: unknown): asserts method is string {
  if (typeof method === 'string' && method.length <= 128 && METHOD_NAME.test(method)) return;
  // Say what is wrong without echoing the name: a mistaken call can put a secret where a name goes.
  const why =
    typeof method !== 'string'
      ? `a ${typeof method}`
      : method.length === 0
        ? 'empty'
        : method.length > 128
          ? 'over 128 characters'
          : `contains ${JSON.stringify(method.match(/[^A-Za-z0-9._]/)?.[0] ?? (method.includes('..') ? '..' : method[0]))}`;
  throw new InvalidArgumentError(`Not a Slack method name (${why}). Use a dotted name like 'chat.postMessage'.`);
}

/** A token must be a non-empty single-line string; anything else could split headers. */
export function checkToken(token: unknown, method: string): asserts token is string {
  if (typeof token !== 'string' || token.length === 0 || /[\s\0]/.test(token)) {
    throw new InvalidArgumentError(
      `${method}: the token must be a non-empty string without whitespace (got ${token === '' ? 'an empty string' : typeof token})`,
      { method },
    );
  }
}

export function formBody(args: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const key in args) {
    const value = args[key];
    if (value === undefined || value === null) continue;
    params.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return params.toString();
}

export function jsonBody(args: Record<string, unknown>): string {
  return JSON.stringify(args);
}

// oauth.* exchanges authenticate the app with HTTP Basic client credentials (Slack's advice), so
// the client secret never travels in a body.
export const BASIC_AUTH_METHODS: ReadonlySet<string> = new Set([
  'oauth.v2.access',
  'oauth.v2.exchange',
  'oauth.access',
  'openid.connect.token',
]);

/** HTTP Basic credentials for the oauth exchanges, and the arguments left to send without them. */
export function basicCredentials(
  args: Record<string, unknown>,
): { authorization: string; secret: string; args: Record<string, unknown> } | undefined {
  const { client_id: id, client_secret: secret, ...rest } = args;
  if (typeof id !== 'string' || typeof secret !== 'string') return undefined;
  return {
    secret,
    authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    args: rest,
  };
}
