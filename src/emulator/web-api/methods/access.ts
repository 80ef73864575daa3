// Lookups shared by the methods: what the caller may see, and the per-conversation-type scope Slack checks
// once it knows which kind of conversation is meant.

import type { Channel, ChannelKind, Message, User } from '../../model/model.js';
import { requireAnyScope } from '../auth.js';
import type { Call } from '../call.js';
import { fail } from '../failure.js';

const SCOPE_FAMILY: Readonly<Record<ChannelKind, string>> = {
  public: 'channels',
  private: 'groups',
  im: 'im',
  mpim: 'mpim',
};

export function scopeFor(kind: ChannelKind, family: 'read' | 'history' | 'write'): string {
  return `${SCOPE_FAMILY[kind]}:${family}`;
}

export function requireChannelScope(call: Call, channel: Channel, family: 'read' | 'history'): void {
  requireAnyScope(call.token, [scopeFor(channel.kind, family)]);
}

export function canSee(channel: Channel, userId: string, teamId: string): boolean {
  if (channel.teamId !== teamId) return false;
  return channel.kind === 'public' || channel.members.has(userId);
}

/** A conversation the caller can see; anything else (absent, empty, foreign, private) is channel_not_found. */
export function visibleChannel(call: Call, id: string | undefined): Channel {
  const channel = id === undefined ? undefined : call.state.channels.get(id);
  if (channel === undefined || !canSee(channel, call.token.userId, call.token.teamId)) throw fail('channel_not_found');
  return channel;
}

export function requireMember(call: Call, channel: Channel): void {
  if (!channel.members.has(call.token.userId)) throw fail('not_in_channel');
}

export function teamUser(call: Call, id: string | undefined, error = 'user_not_found'): User {
  const user = id === undefined ? undefined : call.state.users.get(id);
  if (user === undefined || user.teamId !== call.token.teamId) throw fail(error);
  return user;
}

export function messageIn(channel: Channel, ts: string | undefined): Message {
  const message = ts === undefined ? undefined : channel.byTs.get(ts);
  if (message === undefined) throw fail('message_not_found');
  return message;
}

export function canReadEmail(call: Call): boolean {
  return call.token.scopeSet.has('users:read.email');
}
