// The entities of the in-memory Slack. Rendering to Slack's JSON lives in render.ts.
import type { Json } from './json.js';

export type TokenKind = 'bot' | 'user' | 'app' | 'configuration';
export type ChannelKind = 'public' | 'private' | 'im' | 'mpim';

export interface Team {
  id: string;
  name: string;
  domain: string;
  emailDomain: string;
  created: number;
}

export interface App {
  id: string;
  name: string;
  clientId: string;
  clientSecret: string;
  signingSecret: string;
}

export interface User {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  displayName: string;
  email: string | undefined;
  title: string;
  isAdmin: boolean;
  isOwner: boolean;
  isPrimaryOwner: boolean;
  isBot: boolean;
  deleted: boolean;
  botId: string | undefined;
  appId: string | undefined;
  color: string;
  tz: string;
  tzOffset: number;
  updated: number;
}

export interface Bot {
  id: string;
  teamId: string;
  appId: string;
  userId: string;
  name: string;
  deleted: boolean;
  updated: number;
}

export interface Topic {
  value: string;
  creator: string;
  last_set: number;
}

export interface Channel {
  id: string;
  teamId: string;
  name: string;
  kind: ChannelKind;
  creator: string;
  created: number;
  members: Set<string>;
  topic: Topic;
  purpose: Topic;
  archived: boolean;
  isGeneral: boolean;
  /** Top-level messages (and thread broadcasts), oldest first; replies live on their parent. */
  messages: Message[];
  byTs: Map<string, Message>;
}

export interface Message {
  ts: string;
  channelId: string;
  teamId: string;
  userId: string | undefined;
  botId: string | undefined;
  appId: string | undefined;
  text: string;
  blocks: Json | undefined;
  attachments: Json | undefined;
  metadata: Json | undefined;
  subtype: string | undefined;
  username: string | undefined;
  threadTs: string | undefined;
  /** Replies of a thread parent, oldest first. */
  replies: Message[];
  reactions: Map<string, string[]>;
  edited: { user: string; ts: string } | undefined;
  fileIds: string[];
}

export interface EphemeralMessage {
  channelId: string;
  userId: string;
  fromUserId: string;
  ts: string;
  text: string;
  threadTs: string | undefined;
}

export interface FileRecord {
  id: string;
  teamId: string;
  userId: string;
  name: string;
  title: string;
  declaredLength: number;
  /** Bytes received on the upload URL; undefined until an upload finished. */
  receivedLength: number | undefined;
  sha256: string | undefined;
  mimetype: string;
  created: number;
  completed: boolean;
  channels: string[];
  shares: { channelId: string; ts: string }[];
}

export interface View {
  id: string;
  teamId: string;
  userId: string;
  type: string;
  body: Record<string, Json | undefined>;
  externalId: string | undefined;
  hash: string;
  rootViewId: string;
  previousViewId: string | undefined;
  appId: string;
  botId: string | undefined;
}

export interface Token {
  value: string;
  kind: TokenKind;
  teamId: string;
  /** The user the token acts as: the bot user for bot tokens, the installing user otherwise. */
  userId: string;
  botId: string | undefined;
  appId: string;
  scopes: readonly string[];
  scopeSet: ReadonlySet<string>;
  revoked: boolean;
  /** Epoch ms after which calls answer token_expired (rotating tokens only). */
  expiresAt?: number;
  /** Set for tokens of Enterprise Grid installs (org-wide or into one of the org's workspaces). */
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}
