// The auth a method takes, as the registry declares it (types only, shared by the registry and auth.ts).
import type { TokenKind } from '../model/model.js';

/**
 * - `none`: anyone may call it (api.test; tooling.tokens.rotate, which takes a refresh token as argument).
 * - `client`: the app's client credentials (HTTP Basic or client_id/client_secret), no token.
 * - `token`: a token of one of `tokens`, holding one of `scopes[kind]` when that list is not empty;
 *   `client: true` when the app's client credentials are required too (apps.uninstall).
 */
export type MethodAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'client' }
  | {
      readonly kind: 'token';
      readonly tokens: readonly TokenKind[];
      readonly scopes: Readonly<Partial<Record<TokenKind, readonly string[]>>>;
      readonly client?: boolean;
    };

export type TokenAuth = Extract<MethodAuth, { kind: 'token' }>;
