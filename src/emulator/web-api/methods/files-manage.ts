// files.list, files.delete, files.sharedPublicURL, files.revokePublicURL, and files.upload, which Slack
// sunset on 2025-11-12 (closed to apps created after 2024-05-16): it answers method_deprecated, as Slack
// does, and uploads go through files.getUploadURLExternal (files.ts).

import type { FileRecord } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { fileJson } from '../render.js';
import { canSee, teamUser, visibleChannel } from './access.js';

const FILE_TYPES: Readonly<Record<string, (f: FileRecord) => boolean>> = {
  all: () => true,
  spaces: (f) => f.mimetype === 'application/vnd.slack-space',
  snippets: (f) => f.mimetype.startsWith('text/'),
  images: (f) => f.mimetype.startsWith('image/'),
  gdocs: (f) => f.mimetype.startsWith('application/vnd.google-apps'),
  zips: (f) => f.mimetype === 'application/zip',
  pdfs: (f) => f.mimetype === 'application/pdf',
};

/** The caller sees its own files and files shared where it can see. */
export function canSeeFile(call: Call, file: FileRecord): boolean {
  if (file.teamId !== call.token.teamId || !file.completed) return false;
  if (file.userId === call.token.userId) return true;
  return file.shares.some((s) => {
    const channel = call.state.channels.get(s.channelId);
    return channel !== undefined && canSee(channel, call.token.userId, call.token.teamId);
  });
}

/** A file the caller can see: file_not_found otherwise, `deletedError` once deleted. */
export function visibleFile(call: Call, id: string | undefined, deletedError = 'file_deleted'): FileRecord {
  const file = id === undefined ? undefined : call.state.files.get(id);
  if (file === undefined || !canSeeFile(call, file)) throw fail('file_not_found');
  if (file.deleted === true) throw fail(deletedError);
  return file;
}

/** A file the caller uploaded; `notOwner` when it is someone else's (errors as each method documents). */
function ownFile(call: Call, notOwner: string, deleted: string): FileRecord {
  const file = visibleFile(call, call.args.str('file'), deleted);
  if (file.userId !== call.token.userId) throw fail(notOwner);
  return file;
}

function pageNumber(value: number | undefined, fallback: number): number {
  return value === undefined || value < 1 ? fallback : value;
}

export const fileManageHandlers: Record<string, Handler> = {
  'files.list': (call) => {
    const { args, state } = call;
    const types = args.list('types');
    const filters = (types.length > 0 ? types : ['all']).map((t) => {
      const filter = FILE_TYPES[t];
      if (filter === undefined) throw fail('unknown_type');
      return filter;
    });
    const userRef = args.text('user');
    const user = userRef === undefined ? undefined : teamUser(call, userRef).id;
    const channel = args.text('channel') === undefined ? undefined : visibleChannel(call, args.text('channel')).id;
    const from = args.int('ts_from') ?? 0;
    const to = args.int('ts_to') ?? Number.MAX_SAFE_INTEGER;
    const found = [...state.files.values()]
      .filter((f) => f.deleted !== true && canSeeFile(call, f))
      .filter((f) => user === undefined || f.userId === user)
      .filter((f) => channel === undefined || f.shares.some((s) => s.channelId === channel))
      .filter((f) => f.created >= from && f.created <= to)
      .filter((f) => filters.some((match) => match(f)))
      .reverse();
    const count = Math.min(pageNumber(args.int('count'), 100), 1000);
    const pages = Math.max(Math.ceil(found.length / count), 1);
    const page = Math.min(pageNumber(args.int('page'), 1), pages);
    return {
      ok: true,
      files: found.slice((page - 1) * count, page * count).map((f) => fileJson(state, f, call.baseUrl)),
      paging: { count, total: found.length, page, pages },
    };
  },

  'files.upload': () => {
    throw fail('method_deprecated', {
      response_metadata: {
        messages: ['[ERROR] files.upload is sunset: use files.getUploadURLExternal and files.completeUploadExternal.'],
      },
    });
  },

  'files.delete': (call) => {
    ownFile(call, 'cant_delete_file', 'file_deleted').deleted = true;
    return { ok: true };
  },

  'files.sharedPublicURL': (call) => {
    const file = ownFile(call, 'not_allowed', 'file_not_found');
    file.publicUrlShared = true;
    return { ok: true, file: fileJson(call.state, file, call.baseUrl) };
  },

  'files.revokePublicURL': (call) => {
    const file = ownFile(call, 'file_not_found', 'file_not_found');
    file.publicUrlShared = false;
    return { ok: true, file: fileJson(call.state, file, call.baseUrl) };
  },
};
