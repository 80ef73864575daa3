// The same app as a web-standard fetch handler, for tests that need no port. Transport faults map to
// what fetch would report: a dropped connection rejects, a hang waits for the request's abort signal.

import type { EmulatorContext } from '../context.js';
import { handle } from './router.js';
import { type EmuRequest, writableOutcome } from './transport.js';

async function* chunks(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (body === null) return;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function wrap(request: Request): EmuRequest {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    path: url.pathname,
    query: url.search.slice(1),
    header: (name) => request.headers.get(name) ?? undefined,
    body: chunks(request.body),
    transport: 'in-process',
    baseUrl: `${url.origin}/`,
  };
}

export async function fetchHandler(core: EmulatorContext, request: Request): Promise<Response> {
  const outcome = writableOutcome(await handle(core, wrap(request)));
  switch (outcome.kind) {
    case 'hang':
      return new Promise<Response>((_resolve, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      });
    case 'drop':
      throw new TypeError('emulator: connection dropped before an answer');
    case 'truncated': {
      const body = outcome.body;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(body);
          controller.error(new TypeError('emulator: response truncated'));
        },
      });
      return new Response(stream, {
        status: outcome.status,
        headers: { ...outcome.headers, 'content-length': String(outcome.declaredLength) },
      });
    }
    case 'reply': {
      const body = request.method === 'HEAD' ? null : outcome.body;
      return new Response(body, { status: outcome.status, headers: outcome.headers });
    }
  }
}
