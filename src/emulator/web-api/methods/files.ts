// files.getUploadURLExternal, files.completeUploadExternal, files.info. The bytes themselves go to the
// upload URL, served by upload.ts.

import { isObject, type JsonObject } from '../../model/json.js';
import type { Channel, FileRecord } from '../../model/model.js';
import type { Call, Handler } from '../call.js';
import { fail, invalidArguments } from '../failure.js';
import { fileJson } from '../render.js';
import { author, postTarget, threadRoot } from './chat.js';
import { visibleFile } from './files-manage.js';

const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

const MIME_TYPES: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
  zip: 'application/zip',
};

function mimeType(name: string): string {
  const ext = name.includes('.') ? (name.split('.').pop()?.toLowerCase() ?? '') : '';
  return MIME_TYPES[ext] ?? 'application/octet-stream';
}

function uploadedFile(call: Call, id: unknown): FileRecord {
  const file = typeof id === 'string' ? call.state.files.get(id) : undefined;
  if (file === undefined || file.teamId !== call.token.teamId || file.userId !== call.token.userId) {
    throw fail('file_not_found');
  }
  // A file whose bytes never reached the upload URL cannot be completed.
  if (file.completed || file.receivedLength === undefined) throw fail('file_not_found');
  return file;
}

export const fileHandlers: Record<string, Handler> = {
  'files.getUploadURLExternal': (call) => {
    const { args, state, token } = call;
    const filename = args.text('filename');
    if (filename === undefined) throw invalidArguments(['[ERROR] missing required field: filename']);
    const length = args.int('length');
    if (length === undefined || length < 1) throw invalidArguments(['[ERROR] invalid value for field: length']);
    if (length > MAX_UPLOAD_BYTES) throw fail('file_upload_size_restricted');
    const file: FileRecord = {
      id: state.ids.next('F'),
      teamId: token.teamId,
      userId: token.userId,
      name: filename,
      title: filename,
      declaredLength: length,
      receivedLength: undefined,
      sha256: undefined,
      mimetype: mimeType(filename),
      created: state.clock.seconds(),
      completed: false,
      channels: [],
      shares: [],
    };
    state.files.set(file.id, file);
    return { ok: true, upload_url: `${call.baseUrl}_upload/${file.id}`, file_id: file.id };
  },

  'files.completeUploadExternal': (call) => {
    const { args, state } = call;
    const list = args.json('files', 'invalid_arguments');
    const entries = Array.isArray(list) ? list.filter((e): e is JsonObject => isObject(e)) : [];
    if (!Array.isArray(list) || entries.length === 0 || entries.length !== list.length) {
      throw invalidArguments(['[ERROR] invalid value for field: files']);
    }
    const files = entries.map((entry) => ({ file: uploadedFile(call, entry.id), title: entry.title }));
    const refs = args.text('channel_id') !== undefined ? [args.text('channel_id') ?? ''] : args.list('channels');
    // Every destination is checked before anything changes, so a failure shares nothing.
    const targets: Channel[] = refs.map((ref) => postTarget(call, ref));
    const initialComment = args.str('initial_comment') ?? '';
    for (const { file, title } of files) {
      if (typeof title === 'string' && title !== '') file.title = title;
      file.completed = true;
    }
    for (const channel of targets) {
      const message = state.addMessage(channel, {
        ...author(call),
        text: initialComment,
        threadTs: threadRoot(channel, args.str('thread_ts')),
        fileIds: files.map(({ file }) => file.id),
      });
      for (const { file } of files) {
        file.shares.push({ channelId: channel.id, ts: message.ts });
        file.channels.push(channel.id);
      }
    }
    return { ok: true, files: files.map(({ file }) => fileJson(state, file, call.baseUrl)) };
  },

  'files.info': (call) => {
    const file = visibleFile(call, call.args.str('file'));
    return {
      ok: true,
      file: fileJson(call.state, file, call.baseUrl),
      comments: [],
      response_metadata: { next_cursor: '' },
    };
  },
};
