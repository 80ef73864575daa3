// Who may call a method: token lookup, token type and scopes (as the registry declares them), checked the
// way Slack reports them.
import type { Token } from '../model/model.js';
import type { EmulatorState } from '../model/state.js';
import { fail } from './failure.js';
import type { TokenAuth } from './method-auth.js';

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

/** The scopes the method accepts for this token's type (Slack's x-accepted-oauth-scopes). */
export function acceptedScopes(auth: TokenAuth, token: Token): readonly string[] {
  return auth.scopes[token.kind] ?? [];
}

/** Checks the token type, then that the token has one of the accepted scopes. */
export function authorize(auth: TokenAuth, token: Token): void {
  if (!auth.tokens.includes(token.kind)) throw fail('not_allowed_token_type');
  requireAnyScope(token, acceptedScopes(auth, token));
}
