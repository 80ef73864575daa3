// What travels down the layers (limiter -> retry -> deadline -> transport): the caller's spec and
// the state of one call. Each layer is a `Send` wrapped around the next; see core.ts for the order.
import type { RetryGate } from './layers.js';
import type { HttpMethod } from './retry.js';
import type { BucketRef } from './tiers.js';
import type { Body, TransportResponse } from './transport.js';

export interface CallSpec {
  /** The API method or endpoint name, for errors, logs and retry decisions. */
  method: string;
  /**
   * Safe to repeat: reading only. Default: true for GET, PUT and DELETE, false for POST and PATCH.
   * The Web API (all POST) sets it from the method catalog.
   */
  read?: boolean;
  /** Repeat this write even when the server may have received it (may post twice). */
  retryWrites?: boolean;
  url: URL;
  httpMethod: HttpMethod;
  headers: Record<string, string>;
  /** Called once per attempt, so a body can be made again for a retry. */
  body?: () => Body | undefined;
  /** The body is a stream that can be read once: a failed attempt is never repeated. */
  once?: boolean;
  signal?: AbortSignal;
  /** Overall time budget for all attempts and waits, in ms (default: the core's). */
  deadlineMs?: number;
  /** Overrides the core's per-attempt timeout. */
  timeoutMs?: number;
  /** The rate-limit bucket the call draws from; none means the limiter lets it straight through. */
  bucket?: BucketRef;
}

/** One call on its way down the layers. */
export interface Call {
  readonly spec: CallSpec;
  /** What the client makes of an answer; its throw is a failed attempt like any other. */
  readonly interpret: (response: TransportResponse) => unknown;
  /** Clock ms when the call began. */
  readonly started: number;
  /** Clock ms when the call must be done (Infinity without a deadline). */
  readonly deadline: number;
  /** 1 for the first try; the retry layer counts up. */
  attempt: number;
  /** Set by the limiter layer: how a retry waits for its bucket. */
  gate: RetryGate | undefined;
  /** The current attempt holds a grant of its bucket, which the limiter counts as in flight. */
  granted: boolean;
  /**
   * Set by the retry layer: what a failed attempt becomes (the next attempt, or the error). The
   * layer that settles an attempt (deadline) hands its failure here itself, so a call answered the
   * first time goes through one `then`, not one per layer.
   */
  retry: ((call: Call, err: unknown) => Promise<unknown>) | undefined;
}

export type Send = (call: Call) => Promise<unknown>;
