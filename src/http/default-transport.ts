// The transport every client uses unless given one: undici's dispatcher (undici-transport.ts), with
// node:http (transport.ts) where undici cannot be loaded. Measured with `npm run bench web-client`:
// the client on undici made 1.3x the calls per second of the same client on node:http at one call in
// flight and 1.8x at 50, at 0.55-0.68x of the CPU per call.
//
// undici is loaded at the first request, not when a door is imported: loading it costs about 20 ms,
// which a cold `import('slackline/web')` would otherwise pay whether or not the app ever calls Slack.
import { nodeTransport, type Transport } from './transport.js';
import { type UndiciModule, type UndiciTransportOptions, undiciTransport } from './undici-transport.js';

/** Pool size, idle close and response cap: the same options on undici and on node:http. */
export type DefaultTransportOptions = UndiciTransportOptions;

/** Which transport the default one runs on, once its first request has chosen. */
export type DefaultTransportKind = 'undici' | 'node:http';

export interface DefaultTransport extends Transport {
  /** `undefined` until the first request, which loads undici (or, failing that, uses node:http). */
  readonly kind: DefaultTransportKind | undefined;
}

/**
 * Loads undici's `Agent` only (its pool and HTTP/1.1 client, not fetch, WebSocket, cache or mocks:
 * about a third of loading the whole package), falling back to the package's main entry if a later
 * undici moves the file. `undefined` where there is no CommonJS loader or no undici.
 */
export function loadUndici(): UndiciModule | undefined {
  const moduleApi = globalThis.process?.getBuiltinModule?.('node:module');
  if (moduleApi === undefined) return undefined;
  const load = moduleApi.createRequire(import.meta.url);
  try {
    return { Agent: load('undici/lib/dispatcher/agent.js') as UndiciModule['Agent'] };
  } catch {
    try {
      return load('undici') as UndiciModule;
    } catch {
      return undefined;
    }
  }
}

/** The transport for an undici module, or node:http's without one: the default's choice, testable. */
export function transportFor(
  undici: UndiciModule | undefined,
  options: DefaultTransportOptions = {},
): { kind: DefaultTransportKind; transport: Transport } {
  return undici === undefined
    ? { kind: 'node:http', transport: nodeTransport(options) }
    : { kind: 'undici', transport: undiciTransport(undici, options) };
}

/**
 * The default transport: undici when it loads, node:http otherwise, chosen at the first request.
 * Keep-alive pools either way, with the same idle close and response cap; `close()` frees the pool.
 */
export function defaultTransport(options: DefaultTransportOptions = {}): DefaultTransport {
  let chosen: { kind: DefaultTransportKind; transport: Transport } | undefined;
  return {
    get kind() {
      return chosen?.kind;
    },
    send(request) {
      chosen ??= transportFor(loadUndici(), options);
      return chosen.transport.send(request);
    },
    close() {
      chosen?.transport.close();
    },
  };
}
