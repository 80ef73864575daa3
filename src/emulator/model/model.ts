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
  /** Names before conversations.rename, oldest first (Fidelity, issue 8). */
  previousNames?: string[];
  /** conversations.mark: the last read ts per member (Fidelity, issue 8). */
  lastRead?: Map<string, string>;
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
  /** Set by files.sharedPublicURL (Fidelity, issue 8). */
  publicUrlShared?: boolean;
  /** Set by files.delete: the record stays so messages show a tombstone (Fidelity, issue 8). */
  deleted?: boolean;
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

// ---- Fidelity entities (issue 8): scheduled messages, pins, bookmarks, reminders, usergroups, remote
// files, presence and Do Not Disturb. Each lives in its own EmulatorState collection. ----

/** A chat.scheduleMessage waiting for its `post_at` on the emulator's clock. */
export interface ScheduledMessage {
  id: string;
  channelId: string;
  teamId: string;
  /** Epoch seconds. */
  postAt: number;
  created: number;
  userId: string;
  botId: string | undefined;
  appId: string | undefined;
  text: string;
  blocks: Json | undefined;
  attachments: Json | undefined;
  metadata: Json | undefined;
  threadTs: string | undefined;
  broadcast: boolean;
}

export interface Pin {
  channelId: string;
  ts: string;
  createdBy: string;
  created: number;
}

export interface Bookmark {
  id: string;
  channelId: string;
  teamId: string;
  title: string;
  link: string;
  emoji: string;
  type: string;
  created: number;
  updated: number;
  rank: string;
  updatedBy: string;
  appId: string | undefined;
}

export interface Reminder {
  id: string;
  teamId: string;
  creator: string;
  user: string;
  text: string;
  /** Epoch seconds of the (next) reminder. */
  time: number;
  /** Epoch seconds it was completed; 0 while open. */
  completeTs: number;
}

export interface Usergroup {
  id: string;
  teamId: string;
  name: string;
  handle: string;
  description: string;
  channels: string[];
  users: string[];
  created: number;
  updated: number;
  createdBy: string;
  updatedBy: string;
  /** Epoch seconds it was disabled; 0 while enabled. */
  deleted: number;
  deletedBy: string | undefined;
}

export interface RemoteFile {
  id: string;
  teamId: string;
  appId: string;
  userId: string;
  externalId: string;
  externalUrl: string;
  title: string;
  filetype: string;
  created: number;
  updated: number;
  /** Channels the file was shared to with files.remote.share. */
  channels: string[];
}

/** One section of a canvas: a heading or a block of markdown, addressable by id. */
export interface CanvasSection {
  id: string;
  /** `h1`..`h3` for headings, `any` for other blocks. */
  type: 'h1' | 'h2' | 'h3' | 'any';
  markdown: string;
}

export interface Canvas {
  id: string;
  teamId: string;
  creator: string;
  title: string;
  sections: CanvasSection[];
  /** The channel whose channel canvas this is (conversations.canvases.create). */
  channelId: string | undefined;
  /** canvases.access.set: access level per user id and per channel id. */
  userAccess: Map<string, 'read' | 'write' | 'owner'>;
  channelAccess: Map<string, 'read' | 'write'>;
  created: number;
  updated: number;
}

/** What users.setPresence, users.profile.set and dnd.* change for a user. */
export interface UserSettings {
  presence: 'auto' | 'away';
  statusText: string;
  statusEmoji: string;
  statusExpiration: number;
  phone: string;
  pronouns: string;
  firstName: string;
  lastName: string;
  /** Epoch seconds the snooze ends; 0 when not snoozing. */
  snoozeEnd: number;
}
