// Token strings shaped like Slack's. The prefixes are assembled at runtime so no literal token ever sits
// in the source.
import { randomAlnum, randomDigits, randomHex } from './ids.js';
import type { TokenKind } from './model.js';

const XOX = 'xox';

export function makeTokenValue(kind: TokenKind, appId: string): string {
  switch (kind) {
    case 'bot':
      return [`${XOX}b`, randomDigits(12), randomDigits(13), randomAlnum(24)].join('-');
    case 'user':
      return [`${XOX}p`, randomDigits(12), randomDigits(12), randomDigits(13), randomHex(32)].join('-');
    case 'app':
      return ['xapp', '1', appId, randomDigits(13), randomHex(64)].join('-');
    case 'configuration':
      return [`${XOX}e.${XOX}p`, '1', randomAlnum(40)].join('-');
  }
}

export const TOKEN_KINDS: readonly TokenKind[] = ['bot', 'user', 'app', 'configuration'];

export const DEFAULT_BOT_SCOPES: readonly string[] = [
  'app_mentions:read',
  'bookmarks:read',
  'bots:read',
  'channels:history',
  'channels:join',
  'channels:manage',
  'channels:read',
  'chat:write',
  'commands',
  'dnd:read',
  'emoji:read',
  'files:read',
  'files:write',
  'groups:history',
  'groups:read',
  'groups:write',
  'im:history',
  'im:read',
  'im:write',
  'mpim:history',
  'mpim:read',
  'mpim:write',
  'pins:read',
  'pins:write',
  'reactions:read',
  'reactions:write',
  'team:read',
  'usergroups:read',
  'users.profile:read',
  'users:read',
  'users:read.email',
];

export const DEFAULT_USER_SCOPES: readonly string[] = [
  'channels:history',
  'channels:read',
  'channels:write',
  'chat:write',
  'files:read',
  'files:write',
  'groups:history',
  'groups:read',
  'groups:write',
  'identify',
  'im:history',
  'im:read',
  'im:write',
  'mpim:history',
  'mpim:read',
  'mpim:write',
  'reactions:read',
  'reactions:write',
  'search:read',
  'team:read',
  'users.profile:read',
  'users:read',
  'users:read.email',
];

export const DEFAULT_APP_SCOPES: readonly string[] = ['connections:write', 'authorizations:read'];
