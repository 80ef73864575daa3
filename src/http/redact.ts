// The one redactor. Every log record and every error passes through it, on a copy, when built.
// It matches secrets two ways: by key name (a field called `client_secret` is secret whatever its
// value looks like) and by value pattern (a token is a token wherever it appears, even inside text).

export const REDACTED = '[REDACTED]';

/** Keys whose values are always secret, compared lower-cased with `-` folded to `_`. */
const SECRET_KEYS = new Set([
  'token',
  'access_token',
  'bot_token',
  'user_token',
  'app_token',
  'refresh_token',
  'bot_refresh_token',
  'user_refresh_token',
  'client_secret',
  'clientsecret',
  'signing_secret',
  'signingsecret',
  'code',
  'code_verifier',
  'authorization',
  'proxy_authorization',
  'cookie',
  'set_cookie',
  'password',
  'secret',
  'assertion',
  'webhook_url',
  'response_url',
  'incoming_webhook_url',
]);

// Slack token families, by prefix: xox + one letter (b bot, p user, a, o, s, r, c, d, e refresh), the
// rotating ones ('xoxe.' in front of a bot or user prefix), xapp (app-level), plus webhook and
// response URLs that embed secrets.
const VALUE_PATTERNS: readonly RegExp[] = [
  /xox(?:e\.xox)?[a-z]-[A-Za-z0-9._~+/=-]*/g,
  /xapp-[A-Za-z0-9._~+/=-]*/g,
  /https?:\/\/hooks\.(?:slack|slack-gov)\.com\/[^\s"'<>]*/g,
  /(?<=[Bb]earer\s+)[^\s"',]+/g,
  /(?<=[Bb]asic\s+)[A-Za-z0-9+/=]+/g,
];

function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase().replaceAll('-', '_'));
}

export class Redactor {
  // Secrets with no recognisable shape (a client secret, a canary) that this process knows by value.
  readonly #known = new Set<string>();

  /** Registers a secret value so it is redacted wherever it appears. Short values are ignored. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 8) this.#known.add(value);
  }

  /** Redacts secrets inside one string. */
  string(text: string): string {
    let out = text;
    for (const secret of this.#known) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    for (const pattern of VALUE_PATTERNS) out = out.replace(pattern, REDACTED);
    return out;
  }

  /** A deep, redacted copy of any value. Cycles are cut; functions are dropped. */
  value(input: unknown): unknown {
    return this.#copy(input, new WeakSet());
  }

  #copy(input: unknown, seen: WeakSet<object>): unknown {
    if (typeof input === 'string') return this.string(input);
    if (input === null || typeof input !== 'object') return typeof input === 'function' ? undefined : input;
    if (seen.has(input)) return '[Circular]';
    seen.add(input);
    if (input instanceof Error) return this.#copyError(input, seen);
    if (Array.isArray(input)) return input.map((x) => this.#copy(x, seen));
    if (input instanceof URLSearchParams) return this.string(redactParams(input).toString());
    if (input instanceof URL) return this.string(redactUrl(input));
    if (ArrayBuffer.isView(input)) return `[${input.byteLength} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      out[k] = isSecretKey(k) && v !== undefined && v !== null && v !== '' ? REDACTED : this.#copy(v, seen);
    }
    return out;
  }

  #copyError(err: Error, seen: WeakSet<object>): Record<string, unknown> {
    const out: Record<string, unknown> = { name: err.name, message: this.string(err.message) };
    // An error's `code` is a failure code (ECONNRESET, slack_http_error), never an OAuth code.
    for (const [k, v] of Object.entries(err)) out[k] = k !== 'code' && isSecretKey(k) ? REDACTED : this.#copy(v, seen);
    if (err.cause !== undefined) out.cause = this.#copy(err.cause, seen);
    if (err.stack) out.stack = this.string(err.stack);
    return out;
  }
}

function redactParams(params: URLSearchParams): URLSearchParams {
  const copy = new URLSearchParams();
  for (const [k, v] of params) copy.append(k, isSecretKey(k) ? REDACTED : v);
  return copy;
}

function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  copy.search = redactParams(copy.searchParams).toString();
  return copy.href;
}
