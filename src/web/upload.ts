// files.uploadV2: Slack's three-step upload. For each file, files.getUploadURLExternal gives a
// one-time URL; the bytes go there (streamed from disk for a path, never read whole into memory);
// then one files.completeUploadExternal shares them all. The upload URL is pre-signed on another
// host, so the token is never sent to it.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../http/errors.js';
import type { CallOptions, WebClient } from './client.js';
import type { WebAPICallResult } from './types.js';

export interface FileUpload {
  /** A path (streamed), the bytes, or a stream (then `length` is required). */
  file?: string | Uint8Array | Readable;
  /** Text content instead of `file`. */
  content?: string;
  filename?: string;
  title?: string;
  alt_text?: string;
  snippet_type?: string;
  /** Byte length; required for a stream, worked out otherwise. */
  length?: number;
}

export interface FilesUploadV2Arguments extends FileUpload {
  /** Several files in one call (instead of the top-level file fields). */
  file_uploads?: FileUpload[];
  channel_id?: string;
  /** Comma-separated channel ids. */
  channels?: string;
  thread_ts?: string;
  initial_comment?: string;
  blocks?: string | readonly Record<string, unknown>[];
  token?: string;
}

export interface FilesUploadV2Response extends WebAPICallResult {
  files?: { id?: string; title?: string; [key: string]: unknown }[];
}

interface PreparedFile {
  filename: string;
  title: string | undefined;
  alt_text: string | undefined;
  snippet_type: string | undefined;
  length: number;
  open: () => Uint8Array | Readable;
}

async function prepare(upload: FileUpload): Promise<PreparedFile> {
  const { file, content } = upload;
  const common = { title: upload.title, alt_text: upload.alt_text, snippet_type: upload.snippet_type };
  if ((file === undefined) === (content === undefined)) {
    throw new InvalidArgumentError('files.uploadV2: give exactly one of `file` or `content` per upload');
  }
  if (content !== undefined) {
    const bytes = Buffer.from(content, 'utf8');
    return { ...common, filename: upload.filename ?? 'file.txt', length: bytes.length, open: () => bytes };
  }
  if (typeof file === 'string') {
    const info = await stat(file);
    if (!info.isFile()) throw new InvalidArgumentError(`files.uploadV2: not a file: ${basename(file)}`);
    return {
      ...common,
      filename: upload.filename ?? basename(file),
      length: info.size,
      open: () => createReadStream(file),
    };
  }
  if (file instanceof Readable) {
    if (upload.length === undefined || !Number.isInteger(upload.length) || upload.length < 0) {
      throw new InvalidArgumentError('files.uploadV2: a stream needs `length` (its size in bytes)');
    }
    let opened = false;
    return {
      ...common,
      filename: upload.filename ?? 'file',
      length: upload.length,
      // A stream can be read once: a retry of its upload cannot happen, so refuse rather than send nothing.
      open: () => {
        if (opened) throw new InvalidArgumentError('files.uploadV2: a stream cannot be uploaded twice');
        opened = true;
        return file;
      },
    };
  }
  if (file instanceof Uint8Array) {
    return { ...common, filename: upload.filename ?? 'file', length: file.byteLength, open: () => file };
  }
  throw new InvalidArgumentError('files.uploadV2: `file` must be a path, bytes or a readable stream');
}

async function uploadOne(
  client: WebClient,
  prepared: PreparedFile,
  token: string | undefined,
  options: CallOptions,
): Promise<{ id: string; title?: string }> {
  const urlArgs: Record<string, unknown> = { filename: prepared.filename, length: prepared.length };
  if (prepared.alt_text !== undefined) urlArgs.alt_text = prepared.alt_text;
  if (prepared.snippet_type !== undefined) urlArgs.snippet_type = prepared.snippet_type;
  if (token !== undefined) urlArgs.token = token;
  const target = await client.apiCall('files.getUploadURLExternal', urlArgs, options);
  const { upload_url: uploadUrl, file_id: fileId } = target;
  if (typeof uploadUrl !== 'string' || typeof fileId !== 'string') {
    throw new InvalidArgumentError('files.getUploadURLExternal answered without upload_url/file_id');
  }
  const url = new URL(uploadUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError('files.getUploadURLExternal gave a non-http upload URL');
  }
  client.core.redactor.addSecret(uploadUrl);
  await client.send(
    {
      method: 'files.upload (bytes)',
      read: false,
      retryWrites: options.retryWrites ?? false,
      url,
      httpMethod: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(prepared.length) },
      body: prepared.open,
      signal: options.signal,
      deadlineMs: options.deadlineMs,
      timeoutMs: options.timeoutMs,
    },
    (response) => {
      if (response.status < 200 || response.status >= 300) {
        throw client.core.httpError('files.upload (bytes)', response);
      }
    },
  );
  return prepared.title === undefined ? { id: fileId } : { id: fileId, title: prepared.title };
}

export async function uploadV2(
  client: WebClient,
  args: FilesUploadV2Arguments,
  options: CallOptions = {},
): Promise<FilesUploadV2Response> {
  const { file_uploads: many, channel_id, channels, thread_ts, initial_comment, blocks, token } = args;
  const uploads = many ?? [args];
  if (uploads.length === 0) throw new InvalidArgumentError('files.uploadV2: nothing to upload');
  const prepared = await Promise.all(uploads.map(prepare));
  const files = await Promise.all(prepared.map((p) => uploadOne(client, p, token, options)));
  const complete: Record<string, unknown> = { files };
  for (const [k, v] of Object.entries({ channel_id, channels, thread_ts, initial_comment, blocks, token })) {
    if (v !== undefined) complete[k] = v;
  }
  return client.apiCall('files.completeUploadExternal', complete, options) as Promise<FilesUploadV2Response>;
}
