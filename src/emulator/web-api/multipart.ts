// A streaming multipart/form-data parser. Uploads pass through it chunk by chunk (a 50 MB file is never
// held in memory); small API bodies use the same parser through collectFields().

export interface PartInfo {
  readonly name: string;
  readonly filename: string | undefined;
  readonly contentType: string | undefined;
}

export interface PartSink {
  start(part: PartInfo): void;
  data(chunk: Buffer): void;
  end(): void;
}

export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]{1,200})"|([^\s;]{1,200}))/i.exec(contentType);
  return m === null ? undefined : (m[1] ?? m[2]);
}

function param(header: string, key: string): string | undefined {
  const m = new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(header);
  if (m !== null) return (m[1] ?? '').replace(/\\(.)/g, '$1');
  const bare = new RegExp(`;\\s*${key}=([^\\s;]+)`, 'i').exec(header);
  return bare === null ? undefined : bare[1];
}

function parseHeaders(block: string): PartInfo {
  let disposition = '';
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') disposition = value;
    else if (key === 'content-type') contentType = value;
  }
  const name = param(disposition, 'name');
  if (name === undefined) throw new MultipartError('part without a name');
  return { name, filename: param(disposition, 'filename'), contentType };
}

type Phase = 'preamble' | 'delimiter' | 'headers' | 'body' | 'done';

export class MultipartParser {
  private readonly delimiter: Buffer;
  // The stream is treated as if it began with CRLF so the first boundary matches like all others.
  private pending: Buffer = CRLF;
  private phase: Phase = 'preamble';

  constructor(
    boundary: string,
    private readonly sink: PartSink,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  write(chunk: Uint8Array): void {
    if (this.phase === 'done') return;
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    while (this.step()) {
      // each step consumes from `pending` until it needs more input
    }
  }

  finish(): void {
    if (this.phase !== 'done') throw new MultipartError('multipart body ended early');
  }

  private step(): boolean {
    const buf = this.pending;
    switch (this.phase) {
      case 'preamble':
      case 'body': {
        const at = buf.indexOf(this.delimiter);
        if (at < 0) {
          const keep = this.delimiter.length - 1;
          if (buf.length > keep) {
            if (this.phase === 'body') this.sink.data(buf.subarray(0, buf.length - keep));
            this.pending = buf.subarray(buf.length - keep);
          }
          return false;
        }
        if (this.phase === 'body') {
          if (at > 0) this.sink.data(buf.subarray(0, at));
          this.sink.end();
        }
        this.pending = buf.subarray(at + this.delimiter.length);
        this.phase = 'delimiter';
        return true;
      }
      case 'delimiter': {
        if (buf.length < 2) return false;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          this.phase = 'done';
          this.pending = Buffer.alloc(0);
          return false;
        }
        if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw new MultipartError('bad boundary line');
        this.pending = buf.subarray(2);
        this.phase = 'headers';
        return true;
      }
      case 'headers': {
        // An empty header block leaves the CRLF that ends it right at the start.
        const at = buf.subarray(0, 2).equals(CRLF) ? -2 : buf.indexOf(HEADER_END);
        if (at === -1) {
          if (buf.length > MAX_HEADER_BYTES) throw new MultipartError('part headers too large');
          return false;
        }
        const block = at < 0 ? '' : buf.subarray(0, at).toString('utf8');
        this.sink.start(block === '' ? { name: '', filename: undefined, contentType: undefined } : parseHeaders(block));
        this.pending = buf.subarray(at < 0 ? 2 : at + HEADER_END.length);
        this.phase = 'body';
        return true;
      }
      case 'done':
        return false;
    }
  }
}

/** Parses a whole (small) multipart body into fields; file parts become their text content. */
export function collectFields(body: Buffer, boundary: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let name = '';
  let chunks: Buffer[] = [];
  const parser = new MultipartParser(boundary, {
    start(part) {
      name = part.name;
      chunks = [];
    },
    data(chunk) {
      chunks.push(chunk);
    },
    end() {
      if (name !== '') fields[name] = Buffer.concat(chunks).toString('utf8');
    },
  });
  parser.write(body);
  parser.finish();
  return fields;
}
