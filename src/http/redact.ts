// The one redactor. Every log record, every error and every inspected installation passes through
// it, on a copy, when built. It matches secrets three ways:
// - by key name, in any case style: `client_secret`, `clientSecret`, `Client-Secret` are one key;
// - by value pattern: a token of any Slack family, a webhook, response or upload URL is a secret
//   wherever it appears, even inside text, so shaped secrets never need registering;
// - by registered value, for the few shapeless long-lived secrets (a client secret, a signing secret,
//   an encryption key, a canary) and the OAuth codes this process has just seen. Both are bounded:
//   redacting costs the same with a million installations as with one.

export const REDACTED = '[REDACTED]';

/** Keys whose values are always secret, compared with case, `_` and `-` folded away. */
const SECRET_KEYS = new Set([
  'token',
  'accesstoken',
  'bottoken',
  'usertoken',
  'apptoken',
  'configtoken',
  'configurationtoken',
  'refreshtoken',
  'botrefreshtoken',
  'userrefreshtoken',
  'clientsecret',
  'signingsecret',
  'code',
  'codeverifier',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'secret',
  'assertion',
  'webhookurl',
  'responseurl',
  'incomingwebhookurl',
  'uploadurl',
  'encryptionkey',
  'encryptionkeys',
  'privatekey',
]);

/** `clientSecret`, `client_secret`, `Client-Secret` → `clientsecret`. */
export function foldKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(foldKey(key));
}

// Slack token families, by prefix (spelled in parts so no token sits in the source):
// "xox" + one letter + "-": b bot, p user (and service tokens), a and r (legacy workspace apps and
// their refresh tokens), o and s (legacy), c and d (browser session and its cookie), e (refresh
// tokens of rotation and of configuration tokens); "xoxe." in front of any of those (rotating
// access and configuration tokens); "xapp-" (app-level); "xwfp-" (workflow, just-in-time).
const TOKEN_CHARS = '[A-Za-z0-9._~+/=-]*';
/** Every xox token family (bot, user, refresh, config...): the first value pattern, and ONE_TOKEN. */
const XOX_TOKEN = `xox(?:e\\.xox)?[a-z]-${TOKEN_CHARS}`;
const VALUE_PATTERNS: readonly RegExp[] = [
  new RegExp(XOX_TOKEN, 'g'),
  new RegExp(`(?:xapp|xwfp)-${TOKEN_CHARS}`, 'g'),
  // Incoming webhooks, response_urls, workflow triggers: every hooks URL carries its secret in the path.
  /https?:\/\/hooks\.(?:slack|slack-gov)\.com\/[^\s"'<>]*/g,
  // The same paths on any host (GovSlack, a proxy, the emulator): /services/T…/B…/secret and kin.
  /(?:https?:\/\/[^\s"'<>/]+)?\/(?:services|actions|commands)\/[TE][A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+/g,
  // files.getUploadURLExternal's upload URL is a capability: whoever has it may upload.
  /https?:\/\/files\.(?:slack|slack-gov)\.com\/upload\/[^\s"'<>]*/g,
  /(?<=[Bb]earer\s+)[^\s"',]+/g,
  /(?<=[Bb]asic\s+)[A-Za-z0-9+/=]+/g,
];

function byPattern(text: string): string {
  let out = text;
  for (const pattern of VALUE_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/**
 * A whole value that is one token of the first pattern: it replaces all of it, and nothing matches
 * in what is left ('[REDACTED]'), so byPattern() would answer REDACTED. One test instead of seven
 * replaces for what is registered most (a refresh registers three tokens, every clientFor() one).
 */
const ONE_TOKEN = new RegExp(`^${XOX_TOKEN}$`);

/** True when the value patterns alone redact all of `value` (it needs no registering). */
export function hasSecretShape(value: string): boolean {
  return ONE_TOKEN.test(value) || byPattern(value) === REDACTED;
}

export interface RedactorOptions {
  /** Shapeless secrets kept (default 256); past it the least recently registered is forgotten. */
  maxSecrets?: number;
  /** Recently seen OAuth codes kept (default 16): a code is used once, within minutes. */
  maxCodes?: number;
}

/** How far past a cut the text is redacted first, so a secret straddling the cut is caught whole. */
const STRADDLE = 4096;

export class Redactor {
  // Insertion-ordered, so the oldest is first to go when the bound is reached.
  readonly #known = new Set<string>();
  readonly #codes = new Set<string>();
  readonly #maxSecrets: number;
  readonly #maxCodes: number;

  constructor(options: RedactorOptions = {}) {
    this.#maxSecrets = options.maxSecrets ?? 256;
    this.#maxCodes = options.maxCodes ?? 16;
  }

  /** Shapeless secrets registered now (shaped ones are caught by pattern and never kept). */
  get size(): number {
    return this.#known.size + this.#codes.size;
  }

  /**
   * Registers a secret value so it is redacted wherever it appears. Values the patterns already
   * catch (every token family, hooks and upload URLs) and short values are not kept.
   */
  addSecret(value: string | undefined): void {
    remember(this.#known, value, this.#maxSecrets);
  }

  /** An OAuth code this process has seen: redacted by value while it is among the latest few. */
  addCode(value: string | undefined): void {
    remember(this.#codes, value, this.#maxCodes);
  }

  /** Redacts secrets inside one string. */
  string(text: string): string {
    let out = text;
    for (const secret of this.#known) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    for (const code of this.#codes) if (out.includes(code)) out = out.replaceAll(code, REDACTED);
    return byPattern(out);
  }

  /** The first `max` characters of `text`, redacted BEFORE the cut, so no secret is left half-shown. */
  truncated(text: string, max: number): string {
    if (text.length <= max) return this.string(text);
    return this.string(text.slice(0, max + STRADDLE)).slice(0, max);
  }

  /** The first `maxBytes` of a body as text, redacted before the cut. */
  snippet(body: Uint8Array, maxBytes: number): string {
    const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, maxBytes + STRADDLE));
    return this.truncated(head.toString('utf8'), maxBytes);
  }

  /** A deep, redacted copy of any value. Cycles are cut; functions are dropped. */
  value(input: unknown): unknown {
    return this.#copy(input, new WeakSet());
  }

  #copy(input: unknown, seen: WeakSet<object>): unknown {
    if (typeof input === 'string') return this.string(input);
    if (input === null || typeof input !== 'object') return typeof input === 'function' ? undefined : input;
    if (input instanceof Date) return input;
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

function remember(set: Set<string>, value: string | undefined, max: number): void {
  if (!value || value.length < 8) return;
  // Seen again (kept, so not shaped): it becomes the most recent, so a secret in use is never the
  // one forgotten. The client secret and its Basic credentials come again with every oauth call.
  if (set.delete(value)) {
    set.add(value);
    return;
  }
  if (hasSecretShape(value)) return;
  set.add(value);
  if (set.size > max) {
    const oldest = set.values().next().value;
    if (oldest !== undefined) set.delete(oldest);
  }
}

/** Patterns and keys only, no registered values: for copies made away from any client. */
const shapesOnly = new Redactor({ maxSecrets: 0, maxCodes: 0 });

/** A redacted deep copy by key and value pattern (what hideSecrets prints). */
export function redactShapes(input: unknown): unknown {
  return shapesOnly.value(input);
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
