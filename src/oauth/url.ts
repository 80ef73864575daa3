// The authorize URL the "Add to Slack" button points at. Every value is URL-encoded by URLSearchParams.
import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../http/errors.js';

export const DEFAULT_AUTHORIZE_URL = 'https://slack.com/oauth/v2/authorize';

export interface AuthorizeUrlOptions {
  clientId: string;
  scopes: readonly string[];
  userScopes?: readonly string[];
  state: string;
  redirectUri?: string | undefined;
  /** Pre-select a workspace (or org) on the consent page. */
  team?: string | undefined;
  /** Default https://slack.com/oauth/v2/authorize; GovSlack and the emulator set their own. */
  authorizeUrl?: string | undefined;
  /** PKCE S256 challenge (see pkcePair); off unless given. */
  codeChallenge?: string | undefined;
}

export function authorizeUrl(options: AuthorizeUrlOptions): string {
  const url = new URL(options.authorizeUrl ?? DEFAULT_AUTHORIZE_URL);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InvalidArgumentError('authorizeUrl must be http(s)');
  const params = url.searchParams;
  params.set('client_id', options.clientId);
  params.set('scope', options.scopes.join(','));
  if (options.userScopes !== undefined && options.userScopes.length > 0)
    params.set('user_scope', options.userScopes.join(','));
  params.set('state', options.state);
  if (options.redirectUri !== undefined) params.set('redirect_uri', options.redirectUri);
  if (options.team !== undefined) params.set('team', options.team);
  if (options.codeChallenge !== undefined) {
    params.set('code_challenge', options.codeChallenge);
    params.set('code_challenge_method', 'S256');
  }
  return url.href;
}

/** A PKCE verifier and its S256 challenge. Slack makes an app that uses PKCE a public client for good. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
