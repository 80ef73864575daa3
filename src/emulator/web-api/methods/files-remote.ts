// files.remote.add, info, list, remove, share, update: files that live outside Slack, by Slack id
// (`file`) or the app's own `external_id`.

import type { JsonObject } from '../../model/json.js';
import type { RemoteFile } from '../../model/model.js';
import type { EmulatorState } from '../../model/state.js';
import type { Call, Handler } from '../call.js';
import { fail } from '../failure.js';
import { paginate } from '../pagination.js';
import { postTarget } from './chat.js';

const MAX_TITLE = 255;
const URL_PATTERN = /^https?:\/\/\S+$/;

function remoteFileJson(state: EmulatorState, file: RemoteFile): JsonObject {
  const kinds = file.channels.map((id) => [id, state.channels.get(id)?.kind] as const);
  const team = state.teams.get(file.teamId);
  return {
    id: file.id,
    created: file.created,
    timestamp: file.created,
    updated: file.updated,
    name: file.title,
    title: file.title,
    mimetype: 'application/vnd.slack-remote',
    filetype: file.filetype,
    pretty_type: file.filetype === '' ? 'Remote' : file.filetype.toUpperCase(),
    user: file.userId,
    user_team: file.teamId,
    editable: false,
    size: 0,
    mode: 'external',
    is_external: true,
    external_type: 'app',
    external_id: file.externalId,
    external_url: file.externalUrl,
    url_private: file.externalUrl,
    app_id: file.appId,
    permalink: `https://${team?.domain ?? 'emulator'}.slack.com/files/${file.userId}/${file.id}`,
    is_public: kinds.some(([, kind]) => kind === 'public'),
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    channels: kinds.filter(([, kind]) => kind === 'public').map(([id]) => id),
    groups: kinds.filter(([, kind]) => kind === 'private' || kind === 'mpim').map(([id]) => id),
    ims: kinds.filter(([, kind]) => kind === 'im').map(([id]) => id),
    has_rich_preview: false,
    comments_count: 0,
  };
}

/**
 * The remote file named by `file` or `external_id`. Methods that document invalid_args and too_many_ids
 * (`strict`) refuse neither or both; files.remote.update documents neither, so it prefers `file`.
 */
function remoteFile(call: Call, strict = true): RemoteFile {
  const id = call.args.text('file');
  const externalId = id !== undefined && !strict ? undefined : call.args.text('external_id');
  if (id === undefined && externalId === undefined) throw fail(strict ? 'invalid_args' : 'file_not_found');
  if (id !== undefined && externalId !== undefined) throw fail('too_many_ids');
  const { teamId, appId } = call.token;
  const file =
    id !== undefined
      ? call.state.remoteFiles.get(id)
      : [...call.state.remoteFiles.values()].find((f) => f.externalId === externalId && f.appId === appId);
  if (file === undefined || file.teamId !== teamId) throw fail('file_not_found');
  return file;
}

/** Only the app that added a remote file changes or removes it. */
function ownRemoteFile(call: Call, strict = true): RemoteFile {
  const file = remoteFile(call, strict);
  if (file.appId !== call.token.appId) throw fail('file_not_found');
  return file;
}

function title(value: string | undefined, error: string): string {
  if (value === undefined || value.trim() === '' || value.length > MAX_TITLE) throw fail(error);
  return value;
}

export const remoteFileHandlers: Record<string, Handler> = {
  'files.remote.add': (call) => {
    const { args, state, token } = call;
    const externalId = args.str('external_id') ?? '';
    if (externalId === '' || externalId.length > 255) throw fail('invalid_external_id');
    if ([...state.remoteFiles.values()].some((f) => f.appId === token.appId && f.externalId === externalId)) {
      throw fail('invalid_external_id');
    }
    const externalUrl = args.str('external_url') ?? '';
    const now = state.clock.seconds();
    const file: RemoteFile = {
      id: state.ids.next('F'),
      teamId: token.teamId,
      appId: token.appId,
      userId: token.userId,
      externalId,
      externalUrl,
      title: title(args.str('title'), 'bad_title'),
      filetype: args.str('filetype') ?? '',
      created: now,
      updated: now,
      channels: [],
    };
    state.remoteFiles.set(file.id, file);
    return { ok: true, file: remoteFileJson(state, file) };
  },

  'files.remote.info': (call) => ({ ok: true, file: remoteFileJson(call.state, remoteFile(call)) }),

  'files.remote.list': (call) => {
    const { args, state, token } = call;
    const channel = args.text('channel');
    const from = args.int('ts_from') ?? 0;
    const to = args.int('ts_to') ?? Number.MAX_SAFE_INTEGER;
    const found = [...state.remoteFiles.values()]
      .filter((f) => f.teamId === token.teamId && f.created >= from && f.created <= to)
      .filter((f) => channel === undefined || f.channels.includes(channel));
    const page = paginate(found, args, { kind: 'file', defaultLimit: 100, maxLimit: 1000 });
    return {
      ok: true,
      files: page.items.map((f) => remoteFileJson(state, f)),
      response_metadata: { next_cursor: page.nextCursor },
    };
  },

  'files.remote.update': (call) => {
    const { args, state } = call;
    const file = ownRemoteFile(call, false);
    const newTitle = args.has('title') ? title(args.str('title'), 'invalid_title') : undefined;
    const url = args.str('external_url');
    if (url !== undefined && !URL_PATTERN.test(url)) throw fail('invalid_url');
    if (newTitle !== undefined) file.title = newTitle;
    if (url !== undefined) file.externalUrl = url;
    const filetype = args.str('filetype');
    if (filetype !== undefined) file.filetype = filetype;
    file.updated = state.clock.seconds();
    return { ok: true, file: remoteFileJson(state, file) };
  },

  'files.remote.remove': (call) => {
    call.state.remoteFiles.delete(ownRemoteFile(call).id);
    return { ok: true };
  },

  'files.remote.share': (call) => {
    const file = remoteFile(call);
    const refs = call.args.list('channels');
    if (refs.length === 0) throw fail('channel_not_found');
    const targets = refs.map((ref) => postTarget(call, ref));
    for (const channel of targets) if (!file.channels.includes(channel.id)) file.channels.push(channel.id);
    return { ok: true, file: remoteFileJson(call.state, file) };
  },
};
