// Who may call a method: token lookup, token type and scopes, checked the way Slack reports them.
import type { MethodSpec } from '../model/catalog.js';
import type { Token, TokenKind } from '../model/model.js';
import type { EmulatorState } from '../model/state.js';
import { fail } from './failure.js';

/** Methods that take no token: api.test, and the OAuth exchanges (which authenticate the app instead). */
export const NO_AUTH_METHODS: ReadonlySet<string> = new Set([
  'api.test',
  'oauth.access',
  'oauth.v2.access',
  'oauth.v2.exchange',
  'oauth.v2.user.access',
  'openid.connect.token',
  'tooling.tokens.rotate',
]);

/** Methods only an app-level token may call, with the scope it needs (the catalog lists none for them). */
const APP_LEVEL_METHODS: ReadonlyMap<string, string> = new Map([
  ['apps.connections.open', 'connections:write'],
  ['apps.event.authorizations.list', 'authorizations:read'],
]);

export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m?.[1];
}

export function authenticate(state: EmulatorState, value: string | undefined): Token {
  if (value === undefined || value === '') throw fail('not_authed');
  const token = state.tokens.get(value);
  if (token === undefined) throw fail('invalid_auth');
  if (token.revoked) throw fail('token_revoked');
  if (token.expiresAt !== undefined && state.clock.now() >= token.expiresAt) throw fail('token_expired');
  return token;
}

function missingScope(needed: readonly string[], token: Token): never {
  throw fail('missing_scope', { needed: needed.join(','), provided: token.scopes.join(',') });
}

/** Requires one of `scopes` (Slack accepts any listed scope that matches what is asked for). */
export function requireAnyScope(token: Token, scopes: readonly string[]): void {
  if (scopes.length > 0 && !scopes.some((s) => token.scopeSet.has(s))) missingScope(scopes, token);
}

function allowedKinds(spec: MethodSpec): TokenKind[] {
  if (APP_LEVEL_METHODS.has(spec.name)) return ['app'];
  const scopes = spec.scopes;
  if (scopes === null || Object.keys(scopes).length === 0) return ['bot', 'user'];
  const kinds: TokenKind[] = [];
  if (scopes.bot !== undefined) kinds.push('bot');
  if (scopes.user !== undefined) kinds.push('user');
  if (scopes.configuration !== undefined) kinds.push('configuration');
  return kinds;
}

/** The scopes the method accepts for this token's type (Slack's x-accepted-oauth-scopes). */
export function acceptedScopes(spec: MethodSpec, token: Token): readonly string[] {
  const appScope = APP_LEVEL_METHODS.get(spec.name);
  return appScope !== undefined ? [appScope] : (spec.scopes?.[token.kind] ?? []);
}

/** Checks the token type, then that the token has one of the accepted scopes. */
export function authorize(spec: MethodSpec, token: Token): void {
  if (!allowedKinds(spec).includes(token.kind)) throw fail('not_allowed_token_type');
  requireAnyScope(token, acceptedScopes(spec, token));
}
