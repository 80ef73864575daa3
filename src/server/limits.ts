// The server's defences against slow and flooding clients, with their defaults written once.
// Slack sends small bodies quickly: a client that takes seconds to send its headers or body is
// either broken or attacking, and holding its connection (and what it sent) for Node's default five
// minutes is how 200 slow bodies became 230 MiB.
import { DEFAULT_MAX_BODY_BYTES } from '../events/verify.js';
import { InvalidArgumentError } from '../http/errors.js';
import { DEFAULT_MAX_PENDING_BODY_BYTES } from './node.js';

export interface ServerLimits {
  /** From connection to the end of the headers (Node's default is 60 s). */
  headersTimeoutMs: number;
  /** From connection to the end of the body (Node's default is 300 s). */
  requestTimeoutMs: number;
  /** How often Node looks for connections past those deadlines (its default is 30 s). */
  checkIntervalMs: number;
  /** Open connections at once; more are closed as they arrive. */
  maxConnections: number;
  /** Largest request body (the events endpoint's limit too). */
  maxBodyBytes: number;
  /** Body bytes held across all unfinished requests; past it new bytes get 503. */
  maxPendingBodyBytes: number;
}

export const DEFAULT_SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  checkIntervalMs: 1_000,
  maxConnections: 1_024,
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxPendingBodyBytes: DEFAULT_MAX_PENDING_BODY_BYTES,
});

export function serverLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) {
      throw new InvalidArgumentError(`startServer: limits.${name} must be a positive whole number`);
    }
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new InvalidArgumentError('startServer: limits.headersTimeoutMs must not exceed limits.requestTimeoutMs');
  }
  return limits;
}
