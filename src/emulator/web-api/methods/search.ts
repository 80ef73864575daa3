// search.messages, search.files, search.all over what was actually posted and uploaded, as the calling
// user can see it. Queries take words and "phrases" (all must match, case-insensitive) and the
// modifiers in:#channel / in:<#C..>, from:@user / from:<@U..>, before:, after:, on: (YYYY-MM-DD).
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '../../model/json.js';
import type { Channel, FileRecord, Message } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { fileJson } from '../render.js';
import { canSee } from './access.js';
import { permalink } from './chat.js';
import { canSeeFile } from './files-manage.js';

interface Query {
  terms: string[];
  channelId: string | undefined;
  userId: string | undefined;
  after: number;
  before: number;
}

const DAY = 86_400;
/** Slack's highlight markers around matched terms. */
const HIGHLIGHT_START = '\uE000';
const HIGHLIGHT_END = '\uE001';

function day(value: string): number {
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(ms)) throw fail('invalid_arguments');
  return ms / 1000;
}

function parseQuery(call: Call): Query {
  const raw = call.args.str('query') ?? '';
  if (raw.trim() === '') throw fail('no_query');
  const query: Query = {
    terms: [],
    channelId: undefined,
    userId: undefined,
    after: 0,
    before: Number.MAX_SAFE_INTEGER,
  };
  const teamId = call.token.teamId;
  for (const m of raw.matchAll(/"([^"]*)"|(\S+)/g)) {
    const phrase = m[1];
    const word = m[2] ?? '';
    if (phrase !== undefined) {
      if (phrase.trim() !== '') query.terms.push(phrase.toLowerCase());
      continue;
    }
    const [key, ...rest] = word.split(':');
    const value = rest.join(':');
    if (key === 'in' && value !== '') {
      const id = /^<#(\w+)(\|[^>]*)?>$/.exec(value)?.[1];
      const channel =
        id !== undefined ? call.state.channels.get(id) : call.state.channelByName(teamId, value.replace(/^#/, ''));
      query.channelId = channel?.id ?? '-';
    } else if (key === 'from' && value !== '') {
      const id = /^<@(\w+)(\|[^>]*)?>$/.exec(value)?.[1];
      const user = id !== undefined ? call.state.users.get(id) : call.state.userByName(teamId, value.replace(/^@/, ''));
      query.userId = user?.id ?? '-';
    } else if (key === 'after' && value !== '') query.after = day(value) + DAY;
    else if (key === 'before' && value !== '') query.before = day(value);
    else if (key === 'on' && value !== '') {
      query.after = day(value);
      query.before = day(value) + DAY;
    } else query.terms.push(word.toLowerCase());
  }
  return query;
}

/** How many times the terms occur; 0 when one of them is missing. */
function score(text: string, terms: readonly string[]): number {
  const lower = text.toLowerCase();
  let total = 0;
  for (const term of terms) {
    const count = lower.split(term).length - 1;
    if (count === 0) return 0;
    total += count;
  }
  return terms.length === 0 ? 1 : total;
}

function highlight(text: string, terms: readonly string[]): string {
  if (terms.length === 0) return text;
  const pattern = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  return text.replace(pattern, (m) => `${HIGHLIGHT_START}${m}${HIGHLIGHT_END}`);
}

interface Hit<T> {
  item: T;
  score: number;
  time: number;
}

/** Sorts by `sort` and `sort_dir`, then answers one page with Slack's paging and pagination blocks. */
function pageOf<T>(call: Call, hits: Hit<T>[], render: (item: T) => JsonObject): JsonObject {
  const { args } = call;
  const byTime = args.str('sort') === 'timestamp';
  const sign = args.str('sort_dir') === 'asc' ? 1 : -1;
  hits.sort((a, b) => sign * (byTime ? a.time - b.time : a.score - b.score || a.time - b.time));
  const asked = args.int('count') ?? 20;
  const count = Math.min(Math.max(asked, 1), 100);
  const pages = Math.max(Math.ceil(hits.length / count), 1);
  const page = Math.min(Math.max(args.int('page') ?? 1, 1), pages);
  const first = (page - 1) * count;
  const items = hits.slice(first, first + count);
  return {
    matches: items.map((h) => render(h.item)),
    pagination: {
      first: items.length === 0 ? 0 : first + 1,
      last: first + items.length,
      page,
      page_count: pages,
      per_page: count,
      total_count: hits.length,
    },
    paging: { count, page, pages, total: hits.length },
    total: hits.length,
  };
}

function messageMatches(call: Call, query: Query): JsonObject {
  const { state, token } = call;
  const hits: Hit<{ channel: Channel; message: Message }>[] = [];
  for (const channel of state.channels.values()) {
    if (!canSee(channel, token.userId, token.teamId)) continue;
    if (query.channelId !== undefined && channel.id !== query.channelId) continue;
    for (const message of channel.byTs.values()) {
      if (query.userId !== undefined && message.userId !== query.userId) continue;
      const time = Number(message.ts);
      if (time < query.after || time >= query.before) continue;
      const s = score(message.text, query.terms);
      if (s > 0) hits.push({ item: { channel, message }, score: s, time });
    }
  }
  const withHighlight = call.args.bool('highlight');
  return pageOf(call, hits, ({ channel, message }) => ({
    channel: {
      id: channel.id,
      is_ext_shared: false,
      is_mpim: channel.kind === 'mpim',
      is_org_shared: false,
      is_pending_ext_shared: false,
      is_private: channel.kind !== 'public',
      is_shared: false,
      name: channel.kind === 'im' ? (message.userId ?? '') : channel.name,
      pending_shared: [],
    },
    iid: randomUUID(),
    permalink: permalink(state, channel, message),
    team: message.teamId,
    text: withHighlight ? highlight(message.text, query.terms) : message.text,
    ts: message.ts,
    type: 'message',
    user: message.userId ?? '',
    username: state.users.get(message.userId ?? '')?.name ?? message.username ?? '',
  }));
}

function fileMatches(call: Call, query: Query): JsonObject {
  const hits: Hit<FileRecord>[] = [];
  for (const file of call.state.files.values()) {
    if (file.deleted === true || !canSeeFile(call, file)) continue;
    if (query.userId !== undefined && file.userId !== query.userId) continue;
    if (query.channelId !== undefined && !file.shares.some((s) => s.channelId === query.channelId)) continue;
    if (file.created < query.after || file.created >= query.before) continue;
    const s = score(`${file.name} ${file.title}`, query.terms);
    if (s > 0) hits.push({ item: file, score: s, time: file.created });
  }
  return pageOf(call, hits, (file) => fileJson(call.state, file, call.baseUrl));
}

export const searchHandlers: Record<string, Handler> = {
  'search.messages': (call) => {
    const query = parseQuery(call);
    return { ok: true, query: call.args.str('query') ?? '', messages: messageMatches(call, query) };
  },

  'search.files': (call) => {
    const query = parseQuery(call);
    return { ok: true, query: call.args.str('query') ?? '', files: fileMatches(call, query) };
  },

  'search.all': (call) => {
    const query = parseQuery(call);
    return {
      ok: true,
      query: call.args.str('query') ?? '',
      messages: messageMatches(call, query),
      files: fileMatches(call, query),
      posts: { matches: [], total: 0 },
    };
  },
};
