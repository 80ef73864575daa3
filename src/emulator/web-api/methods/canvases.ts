// canvases.create, edit, delete, sections.lookup, access.set, access.delete and
// conversations.canvases.create. A canvas is kept as markdown sections: each heading line is a section
// (h1..h3) and so is each paragraph between them, the way canvases.sections.lookup addresses them.

import { isObject, type Json } from '../../model/json.js';
import type { Canvas, CanvasSection, Channel } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { teamUser, visibleChannel } from './access.js';

const MAX_MARKDOWN = 100_000;
const MAX_CHANGES = 10;
const SECTION_TYPES = new Set(['h1', 'h2', 'h3', 'any_header']);

/** The markdown of a `{type: 'markdown', markdown}` document, or `error`. */
function markdownOf(value: Json | undefined, error: string): string {
  if (!isObject(value) || value.type !== 'markdown' || typeof value.markdown !== 'string') throw fail(error);
  if (value.markdown.length > MAX_MARKDOWN) throw fail('canvas_too_large');
  return value.markdown;
}

function sectionsOf(call: Call, markdown: string): CanvasSection[] {
  const sections: CanvasSection[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0)
      sections.push({ id: call.state.ids.next('temp:C:'), type: 'any', markdown: paragraph.join('\n') });
    paragraph = [];
  };
  for (const line of markdown.split('\n')) {
    const heading = /^(#{1,3})\s+\S/.exec(line);
    if (heading !== null) {
      flush();
      const type = `h${heading[1]?.length ?? 1}` as CanvasSection['type'];
      sections.push({ id: call.state.ids.next('temp:C:'), type, markdown: line });
    } else if (line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  return sections;
}

function canRead(call: Call, canvas: Canvas): boolean {
  const me = call.token.userId;
  if (canvas.teamId !== call.token.teamId) return false;
  if (canvas.creator === me || canvas.userAccess.has(me)) return true;
  const channels = [...canvas.channelAccess.keys(), ...(canvas.channelId === undefined ? [] : [canvas.channelId])];
  return channels.some((id) => call.state.channels.get(id)?.members.has(me) === true);
}

function canWrite(call: Call, canvas: Canvas): boolean {
  const me = call.token.userId;
  if (canvas.creator === me || canvas.userAccess.get(me) === 'write' || canvas.userAccess.get(me) === 'owner')
    return true;
  if (canvas.channelId !== undefined && call.state.channels.get(canvas.channelId)?.members.has(me) === true)
    return true;
  return [...canvas.channelAccess].some(
    ([id, level]) => level === 'write' && call.state.channels.get(id)?.members.has(me) === true,
  );
}

function readableCanvas(call: Call): Canvas {
  const canvas = call.state.canvases.get(call.args.str('canvas_id') ?? '');
  if (canvas === undefined || !canRead(call, canvas)) throw fail('canvas_not_found');
  return canvas;
}

function createCanvas(call: Call, channel: Channel | undefined, error: string): Canvas {
  const { args, state, token } = call;
  const content = args.json('document_content', error);
  const now = state.clock.seconds();
  const canvas: Canvas = {
    id: state.ids.next('F'),
    teamId: token.teamId,
    creator: token.userId,
    title: args.str('title') ?? '',
    sections: content === undefined ? [] : sectionsOf(call, markdownOf(content, error)),
    channelId: channel?.id,
    userAccess: new Map(),
    channelAccess: new Map(),
    created: now,
    updated: now,
  };
  state.canvases.set(canvas.id, canvas);
  return canvas;
}

function sectionIndex(canvas: Canvas, id: unknown): number {
  const at = canvas.sections.findIndex((s) => s.id === id);
  if (at < 0) throw fail('canvas_editing_failed');
  return at;
}

function applyChange(call: Call, canvas: Canvas, change: Json): void {
  if (!isObject(change) || typeof change.operation !== 'string') throw fail('canvas_editing_failed');
  const content = () => sectionsOf(call, markdownOf(change.document_content, 'canvas_editing_failed'));
  switch (change.operation) {
    case 'insert_at_start':
      canvas.sections.unshift(...content());
      return;
    case 'insert_at_end':
      canvas.sections.push(...content());
      return;
    case 'insert_before':
      canvas.sections.splice(sectionIndex(canvas, change.section_id), 0, ...content());
      return;
    case 'insert_after':
      canvas.sections.splice(sectionIndex(canvas, change.section_id) + 1, 0, ...content());
      return;
    case 'replace':
      if (change.section_id === undefined) canvas.sections = content();
      else canvas.sections.splice(sectionIndex(canvas, change.section_id), 1, ...content());
      return;
    case 'delete':
      canvas.sections.splice(sectionIndex(canvas, change.section_id), 1);
      return;
    case 'rename':
      canvas.title = markdownOf(change.title_content, 'canvas_editing_failed');
      return;
    default:
      throw fail('canvas_editing_failed');
  }
}

/** The users and channels named in canvases.access.set/delete, checked. */
function accessTargets(call: Call): { users: string[]; channels: string[] } {
  const users = call.args.list('user_ids').map((id) => teamUser(call, id).id);
  const channels = call.args.list('channel_ids').map((id) => visibleChannel(call, id).id);
  if (users.length === 0 && channels.length === 0) throw fail('invalid_parameters');
  return { users, channels };
}

export const canvasHandlers: Record<string, Handler> = {
  'canvases.create': (call) => {
    const channelId = call.args.text('channel_id');
    const channel = channelId === undefined ? undefined : visibleChannel(call, channelId);
    const canvas = createCanvas(call, undefined, 'canvas_creation_failed');
    // A channel_id shares the new canvas with that channel's members.
    if (channel !== undefined) canvas.channelAccess.set(channel.id, 'write');
    return { ok: true, canvas_id: canvas.id };
  },

  'conversations.canvases.create': (call) => {
    const channel = visibleChannel(call, call.args.str('channel_id'));
    const taken = [...call.state.canvases.values()].some((c) => c.channelId === channel.id);
    if (taken) throw fail('channel_canvas_already_exists');
    return { ok: true, canvas_id: createCanvas(call, channel, 'channel_canvas_creation_failed').id };
  },

  'canvases.edit': (call) => {
    const canvas = readableCanvas(call);
    if (!canWrite(call, canvas)) throw fail('restricted_action');
    const changes = call.args.json('changes', 'canvas_editing_failed');
    if (!Array.isArray(changes) || changes.length === 0 || changes.length > MAX_CHANGES) {
      throw fail('canvas_editing_failed');
    }
    // All changes apply or none: they run on a copy that replaces the canvas only when all succeed.
    const draft: Canvas = { ...canvas, sections: [...canvas.sections] };
    for (const change of changes) applyChange(call, draft, change);
    canvas.sections = draft.sections;
    canvas.title = draft.title;
    canvas.updated = call.state.clock.seconds();
    return { ok: true };
  },

  'canvases.delete': (call) => {
    const canvas = readableCanvas(call);
    if (canvas.creator !== call.token.userId && canvas.userAccess.get(call.token.userId) !== 'owner') {
      throw fail('restricted_action');
    }
    call.state.canvases.delete(canvas.id);
    return { ok: true };
  },

  'canvases.sections.lookup': (call) => {
    const canvas = readableCanvas(call);
    const criteria = call.args.json('criteria', 'invalid_arguments');
    if (!isObject(criteria)) throw fail('invalid_arguments');
    const types = Array.isArray(criteria.section_types) ? criteria.section_types : [];
    if (!types.every((t) => typeof t === 'string' && SECTION_TYPES.has(t))) throw fail('invalid_arguments');
    const text = typeof criteria.contains_text === 'string' ? criteria.contains_text.toLowerCase() : undefined;
    if (types.length === 0 && text === undefined) throw fail('invalid_arguments');
    const sections = canvas.sections.filter((s) => {
      const typeOk = types.length === 0 || types.includes(s.type) || (types.includes('any_header') && s.type !== 'any');
      return typeOk && (text === undefined || s.markdown.toLowerCase().includes(text));
    });
    return { ok: true, sections: sections.map((s) => ({ id: s.id })) };
  },

  'canvases.access.set': (call) => {
    const canvas = readableCanvas(call);
    if (!canWrite(call, canvas)) throw fail('restricted_action');
    const level = call.args.str('access_level');
    if (level !== 'read' && level !== 'write' && level !== 'owner') throw fail('invalid_parameters');
    const { users, channels } = accessTargets(call);
    if (level === 'owner' && channels.length > 0) throw fail('invalid_parameters');
    for (const id of users) canvas.userAccess.set(id, level);
    for (const id of channels) canvas.channelAccess.set(id, level === 'owner' ? 'write' : level);
    return { ok: true };
  },

  'canvases.access.delete': (call) => {
    const canvas = readableCanvas(call);
    if (!canWrite(call, canvas)) throw fail('restricted_action');
    const { users, channels } = accessTargets(call);
    for (const id of users) canvas.userAccess.delete(id);
    for (const id of channels) canvas.channelAccess.delete(id);
    return { ok: true };
  },
};
