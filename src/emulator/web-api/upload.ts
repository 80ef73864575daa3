// The upload URL handed out by files.getUploadURLExternal. Bytes are streamed, counted and hashed, never
// kept: a raw body or the first part of a multipart form (what the official SDK sends).
import { createHash, type Hash } from 'node:crypto';
import type { Ctx } from '../context.js';
import { type EmuRequest, type Outcome, textReply } from '../http/transport.js';
import { boundaryOf, MultipartError, MultipartParser } from './multipart.js';

const MAX_UPLOAD = 1024 * 1024 * 1024;

class Counter {
  bytes = 0;
  readonly hash: Hash = createHash('sha256');
  add(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    this.hash.update(chunk);
  }
}

/** Feeds the body to `counter`: everything, or only the first multipart part. */
async function consume(req: EmuRequest, counter: Counter): Promise<'ok' | 'bad_multipart' | 'too_large'> {
  const contentType = req.header('content-type') ?? '';
  const boundary = /^multipart\/form-data/i.test(contentType) ? boundaryOf(contentType) : undefined;
  let parser: MultipartParser | undefined;
  if (boundary !== undefined) {
    let part = 0;
    parser = new MultipartParser(boundary, {
      start() {
        part += 1;
      },
      data(chunk) {
        if (part === 1) counter.add(chunk);
      },
      end() {},
    });
  }
  let total = 0;
  for await (const chunk of req.body) {
    total += chunk.byteLength;
    if (total > MAX_UPLOAD) return 'too_large';
    if (parser === undefined) counter.add(chunk);
    else parser.write(chunk);
  }
  if (parser !== undefined && !parser.done) return 'bad_multipart';
  return 'ok';
}

export async function handleUpload(core: Ctx<'state'>, fileId: string, req: EmuRequest): Promise<Outcome> {
  if (req.method !== 'POST' && req.method !== 'PUT') return textReply(405, 'Method Not Allowed');
  const file = core.state.files.get(fileId);
  if (file === undefined) return textReply(404, 'Not Found');
  if (file.completed) return textReply(400, 'Bad Request - upload already completed');
  const counter = new Counter();
  let result: Awaited<ReturnType<typeof consume>>;
  try {
    result = await consume(req, counter);
  } catch (error) {
    if (error instanceof MultipartError) return textReply(400, `Bad Request - ${error.message}`);
    return { kind: 'drop' };
  }
  if (result === 'too_large') return { kind: 'drop' };
  if (result === 'bad_multipart') return textReply(400, 'Bad Request - incomplete multipart body');
  if (counter.bytes !== file.declaredLength) {
    return textReply(400, `Bad Request - length mismatch: expected ${file.declaredLength} bytes, got ${counter.bytes}`);
  }
  file.receivedLength = counter.bytes;
  file.sha256 = counter.hash.digest('hex');
  return textReply(200, `OK - ${counter.bytes}`);
}
