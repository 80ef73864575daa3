// The one method registry: every method of the catalog (data/methods.json) with the auth it takes and
// the handler that models it. Auth comes from the catalog's scopes; the overrides below are the methods
// whose auth the catalog does not say. The dispatcher and the tests read this same table.
import { loadCatalog, type MethodSpec } from '../model/catalog.js';
import type { TokenKind } from '../model/model.js';
import { TOKEN_KINDS } from '../model/tokens.js';
import { oauthV2Access } from '../oauth/oauth-access.js';
import { appsUninstall, authRevoke } from '../oauth/revoke.js';
import { oauthV2Exchange, toolingTokensRotate } from '../oauth/token-methods.js';
import type { Handler, PublicHandler } from './call.js';
import type { MethodAuth, TokenAuth } from './method-auth.js';
import { handlers, publicHandlers } from './methods/index.js';

export type { MethodAuth, TokenAuth } from './method-auth.js';

export interface TokenMethod {
  readonly name: string;
  readonly spec: MethodSpec;
  readonly auth: TokenAuth;
  readonly handler?: Handler;
}

export interface OpenMethod {
  readonly name: string;
  readonly spec: MethodSpec;
  readonly auth: Exclude<MethodAuth, TokenAuth>;
  readonly handler?: PublicHandler;
}

export type MethodEntry = TokenMethod | OpenMethod;

export function takesToken(entry: MethodEntry): entry is TokenMethod {
  return entry.auth.kind === 'token';
}

const NONE = { kind: 'none' } as const;
const CLIENT = { kind: 'client' } as const;
const anyToken = (client?: boolean): TokenAuth => ({ kind: 'token', tokens: TOKEN_KINDS, scopes: {}, client });
const appToken = (scope: string): TokenAuth => ({ kind: 'token', tokens: ['app'], scopes: { app: [scope] } });

/** Methods whose auth the catalog does not say (it lists no scopes for them). */
const AUTH_OVERRIDES: Readonly<Record<string, MethodAuth>> = {
  'api.test': NONE,
  'tooling.tokens.rotate': NONE,
  'oauth.access': CLIENT,
  'oauth.v2.access': CLIENT,
  'oauth.v2.exchange': CLIENT,
  'oauth.v2.user.access': CLIENT,
  'openid.connect.token': CLIENT,
  'apps.connections.open': appToken('connections:write'),
  'apps.event.authorizations.list': appToken('authorizations:read'),
  // Any token may revoke itself; apps.uninstall also proves the app with its client credentials.
  'auth.revoke': anyToken(),
  'apps.uninstall': anyToken(true),
};

/** Handlers outside methods/ (the OAuth surface), by the auth they take. */
const OAUTH_PUBLIC_HANDLERS: Readonly<Record<string, PublicHandler>> = {
  'oauth.v2.access': oauthV2Access,
  'oauth.v2.exchange': oauthV2Exchange,
  'tooling.tokens.rotate': toolingTokensRotate,
};
const OAUTH_HANDLERS: Readonly<Record<string, Handler>> = {
  'auth.revoke': authRevoke,
  'apps.uninstall': appsUninstall,
};

function isTokenKind(kind: string): kind is TokenKind {
  return (TOKEN_KINDS as readonly string[]).includes(kind);
}

/** From the catalog: the token kinds it lists scopes for; bot or user when it lists none. */
function catalogAuth(spec: MethodSpec): TokenAuth {
  const scopes: Partial<Record<TokenKind, readonly string[]>> = {};
  for (const [kind, list] of Object.entries(spec.scopes ?? {})) if (isTokenKind(kind)) scopes[kind] = list;
  const listed = Object.keys(scopes).filter(isTokenKind);
  return { kind: 'token', tokens: listed.length > 0 ? listed : ['bot', 'user'], scopes };
}

export class MethodRegistry {
  readonly #entries = new Map<string, MethodEntry>();

  constructor(specs: Iterable<MethodSpec>) {
    const tokenHandlers = new Map<string, Handler>([...handlers, ...Object.entries(OAUTH_HANDLERS)]);
    const openHandlers = new Map<string, PublicHandler>([...publicHandlers, ...Object.entries(OAUTH_PUBLIC_HANDLERS)]);
    for (const spec of specs) {
      const auth = AUTH_OVERRIDES[spec.name] ?? catalogAuth(spec);
      const entry: MethodEntry =
        auth.kind === 'token'
          ? { name: spec.name, spec, auth, handler: tokenHandlers.get(spec.name) }
          : { name: spec.name, spec, auth, handler: openHandlers.get(spec.name) };
      this.#entries.set(spec.name, entry);
    }
    // A handler for a method the catalog lacks, or one registered under the wrong auth, is a bug.
    for (const name of [...tokenHandlers.keys(), ...openHandlers.keys()]) {
      const entry = this.#entries.get(name);
      if (entry?.handler === undefined) throw new Error(`emulator: handler ${name} has no catalog entry of its auth`);
    }
  }

  get(name: string): MethodEntry | undefined {
    return this.#entries.get(name);
  }

  entries(): IterableIterator<MethodEntry> {
    return this.#entries.values();
  }

  /** Every scope some method accepts from a token of this kind: what an app that asked for all would hold. */
  scopesOf(kind: TokenKind): string[] {
    const all = new Set<string>();
    for (const entry of this.#entries.values()) {
      if (takesToken(entry)) for (const scope of entry.auth.scopes[kind] ?? []) all.add(scope);
    }
    return [...all].sort();
  }
}

let shared: MethodRegistry | undefined;

/** Built once per process from the shared catalog and the handler tables. */
export function methodRegistry(): MethodRegistry {
  shared ??= new MethodRegistry(loadCatalog().methods.values());
  return shared;
}
