// The default workspace and the seeding used by startEmulator({ seed }) and POST /_emulator/seed.
import { isObject, type Json, type JsonObject } from './json.js';
import type { Channel, User } from './model.js';
import type { EmulatorState } from './state.js';
import { DEFAULT_APP_SCOPES, DEFAULT_BOT_SCOPES, DEFAULT_USER_SCOPES } from './tokens.js';

export interface WorkspaceInfo {
  teamId: string;
  teamName: string;
  domain: string;
  botUserId: string;
  botId: string;
  appId: string;
  /** The human who installed the app; the user token acts as this user. */
  userId: string;
  userName: string;
}

export interface DefaultTokens {
  bot: string;
  user: string;
  app: string;
  /** An org admin's user token (`admin`, `auditlogs:read`) in the default Enterprise org, for SCIM and Audit Logs. */
  admin: string;
}

export interface SeedResult {
  workspaces: JsonObject[];
  users: JsonObject[];
  channels: JsonObject[];
  messages: JsonObject[];
}

export class SeedError extends Error {}

/** Builds the default workspace. Token strings are passed in so that a reset keeps the same tokens. */
export function seedDefault(state: EmulatorState, tokens: DefaultTokens): WorkspaceInfo {
  const team = state.addTeam('Slackline Emulator', 'slackline-emulator');
  const alice = state.addUser(team.id, {
    name: 'alice',
    realName: 'Alice Archer',
    isAdmin: true,
    isOwner: true,
    isPrimaryOwner: true,
  });
  const bob = state.addUser(team.id, { name: 'bob', realName: 'Bob Baker' });
  const carol = state.addUser(team.id, { name: 'carol', realName: 'Carol Chen' });
  const dave = state.addUser(team.id, { name: 'dave', realName: 'Dave Diaz' });
  const { user: botUser, bot } = state.installApp(team.id, 'slackline');
  const everyone = [alice.id, bob.id, carol.id, dave.id, botUser.id];
  state.addChannel(team.id, {
    name: 'general',
    kind: 'public',
    creator: alice.id,
    members: everyone,
    isGeneral: true,
    purpose: 'This channel is for workspace-wide communication and announcements.',
  });
  state.addChannel(team.id, { name: 'random', kind: 'public', creator: alice.id, members: everyone });
  // Channels without the bot, so not_in_channel and channel_not_found can be seen out of the box.
  state.addChannel(team.id, { name: 'ops', kind: 'public', creator: alice.id, members: [bob.id] });
  state.addChannel(team.id, { name: 'secret', kind: 'private', creator: alice.id, members: [bob.id] });
  state.issueToken({
    kind: 'bot',
    teamId: team.id,
    userId: botUser.id,
    botId: bot.id,
    scopes: DEFAULT_BOT_SCOPES,
    value: tokens.bot,
  });
  state.issueToken({
    kind: 'user',
    teamId: team.id,
    userId: alice.id,
    scopes: DEFAULT_USER_SCOPES,
    value: tokens.user,
  });
  state.issueToken({ kind: 'app', teamId: team.id, userId: alice.id, scopes: DEFAULT_APP_SCOPES, value: tokens.app });
  return {
    teamId: team.id,
    teamName: team.name,
    domain: team.domain,
    botUserId: botUser.id,
    botId: bot.id,
    appId: state.app.id,
    userId: alice.id,
    userName: alice.name,
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SeedError(`${what} must be an array or a count`);
  return value;
}

/** `users: 1000` is shorthand for 1000 generated users. */
function entries(value: unknown, what: string, make: (i: number) => Record<string, unknown>): unknown[] {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 100_000) throw new SeedError(`${what} count out of range`);
    return Array.from({ length: value }, (_, i) => make(i));
  }
  return list(value, what);
}

function resolveUser(state: EmulatorState, teamId: string, ref: string): User {
  const user = state.users.get(ref) ?? state.userByName(teamId, ref);
  if (user === undefined || user.teamId !== teamId) throw new SeedError(`unknown user ${ref}`);
  return user;
}

function resolveChannel(state: EmulatorState, teamId: string, ref: string): Channel {
  const channel = state.channels.get(ref) ?? state.channelByName(teamId, ref.replace(/^#/, ''));
  if (channel === undefined || channel.teamId !== teamId) throw new SeedError(`unknown channel ${ref}`);
  return channel;
}

function owner(state: EmulatorState, teamId: string): User {
  const humans = state.usersOf(teamId).filter((u) => !u.isBot);
  const found = humans.find((u) => u.isPrimaryOwner) ?? humans[0];
  if (found === undefined) throw new SeedError('the team has no users');
  return found;
}

export function applySeed(state: EmulatorState, spec: unknown, defaultTeamId: string): SeedResult {
  if (!isObject(spec)) throw new SeedError('seed must be a JSON object');
  const result: SeedResult = { workspaces: [], users: [], channels: [], messages: [] };
  for (const raw of list(spec.workspaces, 'workspaces')) {
    if (!isObject(raw)) throw new SeedError('each workspace must be an object');
    const name = str(raw.name) ?? `Workspace ${state.teams.size + 1}`;
    const domain = str(raw.domain) ?? name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const team = state.addTeam(name, domain);
    const human = state.addUser(team.id, { name: 'admin', isAdmin: true, isOwner: true, isPrimaryOwner: true });
    const { user: botUser, bot } = state.installApp(team.id, 'slackline');
    state.addChannel(team.id, {
      name: 'general',
      kind: 'public',
      creator: human.id,
      members: [botUser.id],
      isGeneral: true,
    });
    const botToken = state.issueToken({
      kind: 'bot',
      teamId: team.id,
      userId: botUser.id,
      botId: bot.id,
      scopes: DEFAULT_BOT_SCOPES,
    });
    const userToken = state.issueToken({
      kind: 'user',
      teamId: team.id,
      userId: human.id,
      scopes: DEFAULT_USER_SCOPES,
    });
    result.workspaces.push({
      id: team.id,
      name,
      domain,
      bot_user_id: botUser.id,
      bot_id: bot.id,
      user_id: human.id,
      bot_token: botToken.value,
      user_token: userToken.value,
    });
  }
  const teamId = str(spec.team) ?? defaultTeamId;
  if (!state.teams.has(teamId)) throw new SeedError(`unknown team ${teamId}`);
  const base = state.users.size;
  for (const raw of entries(spec.users, 'users', (i) => ({ name: `user-${base + i + 1}` }))) {
    if (!isObject(raw) || str(raw.name) === undefined) throw new SeedError('each user needs a name');
    const user = state.addUser(teamId, {
      name: String(raw.name),
      realName: str(raw.real_name),
      email: str(raw.email),
      title: str(raw.title),
      isAdmin: raw.is_admin === true,
    });
    result.users.push({ id: user.id, name: user.name, email: user.email });
  }
  const install = state.installs.get(teamId);
  const chBase = state.channels.size;
  for (const raw of entries(spec.channels, 'channels', (i) => ({ name: `channel-${chBase + i + 1}` }))) {
    if (!isObject(raw) || str(raw.name) === undefined) throw new SeedError('each channel needs a name');
    const creator = raw.creator === undefined ? owner(state, teamId) : resolveUser(state, teamId, String(raw.creator));
    const members = list(raw.members, 'members').map((m) => resolveUser(state, teamId, String(m)).id);
    if (raw.bot_member !== false && install !== undefined) members.push(install.botUserId);
    const channel = state.addChannel(teamId, {
      name: String(raw.name),
      kind: raw.is_private === true ? 'private' : 'public',
      creator: creator.id,
      members,
      topic: str(raw.topic),
      purpose: str(raw.purpose),
    });
    result.channels.push({ id: channel.id, name: channel.name });
  }
  for (const raw of list(spec.messages, 'messages')) {
    if (!isObject(raw) || str(raw.channel) === undefined) throw new SeedError('each message needs a channel');
    const channel = resolveChannel(state, teamId, String(raw.channel));
    const author = raw.user === undefined ? owner(state, teamId) : resolveUser(state, teamId, String(raw.user));
    const count = typeof raw.count === 'number' && Number.isInteger(raw.count) ? raw.count : 1;
    if (count < 0 || count > 100_000) throw new SeedError('message count out of range');
    const threadTs = str(raw.thread_ts);
    if (threadTs !== undefined && !channel.byTs.has(threadTs)) throw new SeedError(`no message ${threadTs}`);
    for (let i = 0; i < count; i++) {
      const text = str(raw.text) ?? 'message';
      const message = state.addMessage(channel, {
        userId: author.id,
        botId: author.botId,
        text: count > 1 ? `${text} ${i + 1}` : text,
        threadTs,
        blocks: Array.isArray(raw.blocks) ? (raw.blocks as Json) : undefined,
      });
      result.messages.push({ channel: channel.id, ts: message.ts, thread_ts: message.threadTs });
    }
  }
  return result;
}
