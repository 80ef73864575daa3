// files.uploadV2: Slack's three-step upload. For each file, files.getUploadURLExternal gives a
// one-time URL; the bytes go there (streamed from disk for a path, never read whole into memory);
// then one files.completeUploadExternal shares them all. The upload URL is pre-signed on another
// host, so the token is never sent to it.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError, InvalidResponseError } from '../http/errors.js';
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
  /** The caller's stream: read once, so a failed upload of it is never repeated. */
  once: boolean;
}

async function prepare(upload: FileUpload): Promise<PreparedFile> {
  const { file, content } = upload;
  const common = { title: upload.title, alt_text: upload.alt_text, snippet_type: upload.snippet_type };
  if ((file === undefined) === (content === undefined)) {
    throw new InvalidArgumentError('files.uploadV2: give exactly one of `file` or `content` per upload');
  }
  if (content !== undefined) {
    const bytes = Buffer.from(content, 'utf8');
    return { ...common, filename: upload.filename ?? 'file.txt', length: bytes.length, open: () => bytes, once: false };
  }
  if (typeof file === 'string') {
    const info = await stat(file);
    if (!info.isFile()) throw new InvalidArgumentError(`files.uploadV2: not a file: ${basename(file)}`);
    return {
      ...common,
      filename: upload.filename ?? basename(file),
      length: info.size,
      open: () => createReadStream(file),
      once: false,
    };
  }
  if (file instanceof Readable) {
    if (upload.length === undefined || !Number.isInteger(upload.length) || upload.length < 0) {
      throw new InvalidArgumentError('files.uploadV2: a stream needs `length` (its size in bytes)');
    }
    return {
      ...common,
      filename: upload.filename ?? 'file',
      length: upload.length,
      open: () => file,
      // A stream can be read once: the core never repeats its upload (the first failure is the answer).
      once: true,
    };
  }
  if (file instanceof Uint8Array) {
    return { ...common, filename: upload.filename ?? 'file', length: file.byteLength, open: () => file, once: false };
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
  // A bad answer from Slack is Slack's fault, not the caller's: InvalidResponseError.
  const method = 'files.getUploadURLExternal';
  if (typeof uploadUrl !== 'string' || typeof fileId !== 'string') {
    throw new InvalidResponseError('no upload_url or file_id', undefined, '', { method });
  }
  client.core.redactor.addSecret(uploadUrl);
  const url = URL.canParse(uploadUrl) ? new URL(uploadUrl) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new InvalidResponseError('upload_url is not an http(s) URL', undefined, '', { method });
  }
  await client.send(
    {
      method: 'files.upload (bytes)',
      read: false,
      retryWrites: options.retryWrites ?? false,
      url,
      httpMethod: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(prepared.length) },
      body: prepared.open,
      once: prepared.once,
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
