// The in-memory Slack: every entity, indexed the way the methods look them up.
import type { Clock } from './clock.js';
import { microsToTs } from './clock.js';
import type { IdFactory } from './ids.js';
import type { Json } from './json.js';
import type {
  App,
  Bookmark,
  Bot,
  Canvas,
  Channel,
  ChannelKind,
  EphemeralMessage,
  FileRecord,
  Message,
  Pin,
  Reminder,
  RemoteFile,
  ScheduledMessage,
  Team,
  Token,
  TokenKind,
  User,
  Usergroup,
  UserSettings,
  View,
} from './model.js';
import { makeTokenValue } from './tokens.js';

const COLORS = ['9f69e7', '4bbe2e', 'e7392d', '3c989f', 'e96699', 'df3dc0', '674b1b', 'e0a729'];

export interface UserInput {
  name: string;
  realName?: string;
  email?: string;
  title?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
  isBot?: boolean;
  botId?: string;
  appId?: string;
}

export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  creator: string;
  members?: Iterable<string>;
  topic?: string;
  purpose?: string;
  isGeneral?: boolean;
}

export interface MessageInput {
  userId?: string;
  botId?: string;
  appId?: string;
  text: string;
  blocks?: Json;
  attachments?: Json;
  metadata?: Json;
  subtype?: string;
  username?: string;
  threadTs?: string;
  broadcast?: boolean;
  fileIds?: string[];
  /** Epoch microseconds the message is dated at (a scheduled message's post_at); now when absent. */
  atMicros?: number;
}

export interface TokenInput {
  kind: TokenKind;
  teamId: string;
  userId: string;
  botId?: string;
  scopes: readonly string[];
  value?: string;
  /** The app the token belongs to; the default app when absent. */
  appId?: string;
}

/**
 * Something an org's audit log records, reported by the model and the surfaces that change it
 * (the audit-logs surface keeps the log; nothing here depends on it). `action` is one of Slack's
 * audit action names (data/audit-logs.json).
 */
export interface Activity {
  action: string;
  /** The workspace it happened in. */
  teamId: string;
  /** The user who did it; undefined for Slack itself. */
  actorId: string | undefined;
  entity:
    | { type: 'channel'; id: string }
    | { type: 'app'; id: string }
    | { type: 'user'; id: string }
    | { type: 'workspace'; id: string };
}

/**
 * A change to a channel that Slack tells subscribed apps about (channel_created, channel_rename,
 * member_joined_channel...), reported by the conversations.* methods; `userId` is who made it, or
 * for joined/left, who joined or left (`inviterId` invited them, `kicked` when they were removed).
 */
export type ChannelChange =
  | { kind: 'created' | 'renamed' | 'archived' | 'unarchived'; channel: Channel; userId: string }
  | { kind: 'joined'; channel: Channel; userId: string; inviterId?: string }
  | { kind: 'left'; channel: Channel; userId: string };

export class EmulatorState {
  readonly teams = new Map<string, Team>();
  readonly users = new Map<string, User>();
  readonly bots = new Map<string, Bot>();
  readonly channels = new Map<string, Channel>();
  readonly tokens = new Map<string, Token>();
  readonly files = new Map<string, FileRecord>();
  readonly views = new Map<string, View>();
  readonly ephemeral: EphemeralMessage[] = [];
  /** Bot user and bot id of the app in each team it is installed in. */
  readonly installs = new Map<string, { botUserId: string; botId: string }>();
  // ---- Fidelity collections (issue 8) ----
  readonly scheduled = new Map<string, ScheduledMessage>();
  readonly pins: Pin[] = [];
  readonly bookmarks = new Map<string, Bookmark>();
  readonly reminders = new Map<string, Reminder>();
  readonly usergroups = new Map<string, Usergroup>();
  readonly remoteFiles = new Map<string, RemoteFile>();
  readonly userSettings = new Map<string, UserSettings>();
  readonly canvases = new Map<string, Canvas>();
  /** Custom emoji per team by name: image URL or `alias:<name>`, when and by whom it was added. */
  readonly emoji = new Map<string, Map<string, { value: string; created: number; by: string }>>();
  // ---- end of the Fidelity collections ----
  /** SCIM attributes Slack keeps beside a user's profile (scim/ surface), by user id. */
  readonly scimProfiles = new Map<string, { externalId: string; givenName: string; familyName: string }>();
  /** Told of every stored message (the install side delivers message events from it). */
  onMessage: ((message: Message, channel: Channel) => void) | undefined;
  /** Told of every channel change the methods make (the install side delivers channel events from it). */
  onChannelChange: ((change: ChannelChange) => void) | undefined;
  /** Told of every activity an audit log records (set after reset, so seeding is not recorded). */
  onActivity: ((activity: Activity) => void) | undefined;
  private lastTsMicros = 0;

  constructor(
    readonly ids: IdFactory,
    readonly clock: Clock,
    readonly app: App,
  ) {}

  addTeam(name: string, domain: string): Team {
    const team: Team = {
      id: this.ids.next('T'),
      name,
      domain,
      emailDomain: `${domain}.example.com`,
      created: this.clock.seconds(),
    };
    this.teams.set(team.id, team);
    return team;
  }

  addUser(teamId: string, input: UserInput): User {
    const id = this.ids.next('U');
    const team = this.teams.get(teamId);
    const user: User = {
      id,
      teamId,
      name: input.name,
      realName: input.realName ?? input.name,
      displayName: input.name,
      email: input.isBot === true ? undefined : (input.email ?? `${input.name}@${team?.emailDomain ?? 'example.com'}`),
      title: input.title ?? '',
      isAdmin: input.isAdmin === true,
      isOwner: input.isOwner === true,
      isPrimaryOwner: input.isPrimaryOwner === true,
      isBot: input.isBot === true,
      deleted: false,
      botId: input.botId,
      appId: input.appId,
      color: COLORS[this.users.size % COLORS.length] ?? '9f69e7',
      tz: 'America/Los_Angeles',
      tzOffset: -28800,
      updated: this.clock.seconds(),
    };
    this.users.set(id, user);
    return user;
  }

  /** Installs the app in a team: a bot user plus its bot id. */
  installApp(teamId: string, botName: string): { user: User; bot: Bot } {
    const botId = this.ids.next('B');
    const user = this.addUser(teamId, { name: botName, realName: botName, isBot: true, botId, appId: this.app.id });
    const bot: Bot = {
      id: botId,
      teamId,
      appId: this.app.id,
      userId: user.id,
      name: botName,
      deleted: false,
      updated: this.clock.seconds(),
    };
    this.bots.set(botId, bot);
    this.installs.set(teamId, { botUserId: user.id, botId });
    return { user, bot };
  }

  addChannel(teamId: string, input: ChannelInput): Channel {
    const prefix = input.kind === 'public' ? 'C' : input.kind === 'private' ? 'G' : input.kind === 'im' ? 'D' : 'G';
    const now = this.clock.seconds();
    const channel: Channel = {
      id: this.ids.next(prefix),
      teamId,
      name: input.name,
      kind: input.kind,
      creator: input.creator,
      created: now,
      members: new Set([input.creator, ...(input.members ?? [])]),
      topic: { value: input.topic ?? '', creator: input.topic ? input.creator : '', last_set: input.topic ? now : 0 },
      purpose: {
        value: input.purpose ?? '',
        creator: input.purpose ? input.creator : '',
        last_set: input.purpose ? now : 0,
      },
      archived: false,
      isGeneral: input.isGeneral === true,
      messages: [],
      byTs: new Map(),
    };
    this.channels.set(channel.id, channel);
    if (input.kind === 'public' || input.kind === 'private') {
      const action = input.kind === 'public' ? 'public_channel_created' : 'private_channel_created';
      this.onActivity?.({ action, teamId, actorId: input.creator, entity: { type: 'channel', id: channel.id } });
    }
    return channel;
  }

  channelByName(teamId: string, name: string): Channel | undefined {
    for (const channel of this.channels.values()) {
      if (
        channel.teamId === teamId &&
        channel.name === name &&
        (channel.kind === 'public' || channel.kind === 'private')
      )
        return channel;
    }
    return undefined;
  }

  /** The direct-message channel between two users, created on first use. */
  im(teamId: string, a: string, b: string, create: boolean): Channel | undefined {
    for (const channel of this.channels.values()) {
      if (channel.kind === 'im' && channel.teamId === teamId && channel.members.has(a) && channel.members.has(b))
        return channel;
    }
    if (!create) return undefined;
    return this.addChannel(teamId, { name: b, kind: 'im', creator: a, members: [b] });
  }

  mpim(teamId: string, members: string[], create: boolean): Channel | undefined {
    const wanted = new Set(members);
    for (const channel of this.channels.values()) {
      if (channel.kind !== 'mpim' || channel.teamId !== teamId || channel.members.size !== wanted.size) continue;
      if ([...wanted].every((m) => channel.members.has(m))) return channel;
    }
    if (!create) return undefined;
    const names = members.map((m) => this.users.get(m)?.name ?? m);
    const creator = members[0] ?? '';
    return this.addChannel(teamId, { name: `mpdm-${names.join('--')}-1`, kind: 'mpim', creator, members });
  }

  usersOf(teamId: string): User[] {
    const out: User[] = [];
    for (const user of this.users.values()) if (user.teamId === teamId) out.push(user);
    return out;
  }

  userByEmail(teamId: string, email: string): User | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) {
      if (user.teamId === teamId && user.email?.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  userByName(teamId: string, name: string): User | undefined {
    for (const user of this.users.values()) if (user.teamId === teamId && user.name === name) return user;
    return undefined;
  }

  /** Message timestamps are unique and increase across the whole emulator, like Slack's within a channel. */
  nextTs(atMicros?: number): string {
    const micros = Math.max(atMicros ?? this.clock.now() * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return microsToTs(micros);
  }

  addMessage(channel: Channel, input: MessageInput): Message {
    const message: Message = {
      ts: this.nextTs(input.atMicros),
      channelId: channel.id,
      teamId: channel.teamId,
      userId: input.userId,
      botId: input.botId,
      appId: input.appId,
      text: input.text,
      blocks: input.blocks,
      attachments: input.attachments,
      metadata: input.metadata,
      subtype: input.subtype,
      username: input.username,
      threadTs: undefined,
      replies: [],
      reactions: new Map(),
      edited: undefined,
      fileIds: input.fileIds ?? [],
    };
    const parent = input.threadTs === undefined ? undefined : channel.byTs.get(input.threadTs);
    if (parent !== undefined) {
      parent.threadTs = parent.ts;
      message.threadTs = parent.ts;
      parent.replies.push(message);
      if (input.broadcast === true) {
        message.subtype = 'thread_broadcast';
        channel.messages.push(message);
      }
    } else {
      channel.messages.push(message);
    }
    channel.byTs.set(message.ts, message);
    this.onMessage?.(message, channel);
    return message;
  }

  removeMessage(channel: Channel, message: Message): void {
    channel.byTs.delete(message.ts);
    const top = channel.messages.indexOf(message);
    if (top >= 0) channel.messages.splice(top, 1);
    const parent = message.threadTs === undefined ? undefined : channel.byTs.get(message.threadTs);
    if (parent !== undefined && parent !== message) {
      const i = parent.replies.indexOf(message);
      if (i >= 0) parent.replies.splice(i, 1);
    }
    for (const reply of message.threadTs === message.ts ? message.replies : []) channel.byTs.delete(reply.ts);
  }

  // ---- Fidelity operations (issue 8) ----

  /**
   * Posts every scheduled message whose post_at has come on the emulator's clock, oldest first, dated at
   * its post_at. Called before methods and control reads look at messages, so a message scheduled for
   * later appears once the clock passes post_at, whether the clock ran or was moved.
   */
  postDueMessages(): void {
    if (this.scheduled.size === 0) return;
    const now = this.clock.seconds();
    const due = [...this.scheduled.values()].filter((s) => s.postAt <= now).sort((a, b) => a.postAt - b.postAt);
    for (const item of due) {
      this.scheduled.delete(item.id);
      const channel = this.channels.get(item.channelId);
      if (channel === undefined || channel.archived) continue;
      this.addMessage(channel, {
        userId: item.userId,
        botId: item.botId,
        appId: item.appId,
        text: item.text,
        blocks: item.blocks,
        attachments: item.attachments,
        metadata: item.metadata,
        threadTs: item.threadTs,
        broadcast: item.broadcast,
        atMicros: item.postAt * 1_000_000,
      });
    }
  }

  /** A user's presence, status and DND settings, created with defaults on first use. */
  settingsOf(userId: string): UserSettings {
    let settings = this.userSettings.get(userId);
    if (settings === undefined) {
      const realName = this.users.get(userId)?.realName ?? '';
      const [first = '', ...rest] = realName.split(' ');
      settings = {
        presence: 'auto',
        statusText: '',
        statusEmoji: '',
        statusExpiration: 0,
        phone: '',
        pronouns: '',
        firstName: first,
        lastName: rest.join(' '),
        snoozeEnd: 0,
      };
      this.userSettings.set(userId, settings);
    }
    // A status with an expiry is cleared once the clock passes it, as Slack does.
    if (settings.statusExpiration > 0 && settings.statusExpiration <= this.clock.seconds()) {
      settings.statusText = '';
      settings.statusEmoji = '';
      settings.statusExpiration = 0;
    }
    return settings;
  }

  /** A user's settings when any were ever set (expired status cleared), else undefined. */
  settingsIfSet(userId: string): UserSettings | undefined {
    return this.userSettings.has(userId) ? this.settingsOf(userId) : undefined;
  }

  // ---- end of the Fidelity operations ----

  issueToken(input: TokenInput): Token {
    const token: Token = {
      value: input.value ?? makeTokenValue(input.kind, input.appId ?? this.app.id),
      kind: input.kind,
      teamId: input.teamId,
      userId: input.userId,
      botId: input.botId,
      appId: input.appId ?? this.app.id,
      scopes: [...input.scopes],
      scopeSet: new Set(input.scopes),
      revoked: false,
    };
    this.tokens.set(token.value, token);
    return token;
  }
}
