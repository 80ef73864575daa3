// Layer 3 of 4: time. Each attempt gets the smaller of the per-attempt timeout (real time: it
// guards the network) and what is left of the call's deadline (clock time), and a transport timeout
// is reported as whichever of the two ran out. The answer is handed to the client's `interpret`
// here, so a bad answer is a failed attempt like a failed connection; the attempt is over here, so
// this layer tells the limiter's gate (`done`) and hands a failure to the retry layer (`call.retry`).
import type { Call, Send } from './call.js';
import type { Clock } from './clock.js';
import { RequestError } from './errors.js';
import type { Logger } from './logger.js';
import type { Transport, TransportResponse } from './transport.js';

export interface DeadlineLayerOptions {
  transport: Transport;
  clock: Clock;
  /** Default per-attempt timeout, in real ms. */
  timeoutMs: number;
  /** Already redacting; undefined when silent. */
  logger: Logger | undefined;
}

/** A failed attempt: the retry layer's to decide on, or (with none) the call's error. */
function failed(call: Call, err: unknown): Promise<unknown> {
  return call.retry === undefined ? Promise.reject(err) : call.retry(call, err);
}

export function deadlineLayer(options: DeadlineLayerOptions): Send {
  const { transport, clock, timeoutMs, logger } = options;
  // Not an async function: one promise per attempt (the transport's, and what `then` makes of it).
  return (call) => {
    const { spec, attempt } = call;
    const { method } = spec;
    const remaining = (call.deadline - clock.now()) / clock.scale;
    const timeout = spec.timeoutMs ?? timeoutMs;
    const budget = Math.min(timeout, remaining);
    const t0 = logger ? performance.now() : 0;
    let sent: Promise<TransportResponse>;
    try {
      if (!(remaining > 0)) throw new RequestError('deadline', 'deadline passed', false, { method });
      logger?.debug({ method, attempt, url: spec.url }, 'request');
      sent = transport.send({
        url: spec.url,
        method: spec.httpMethod,
        headers: spec.headers,
        body: spec.body?.(),
        timeoutMs: budget,
        signal: spec.signal,
      });
    } catch (err) {
      sent = Promise.reject(err); // a deadline already passed, or a transport that threw: one path below
    }
    return sent.then(
      (response) => {
        if (logger) {
          const ms = Math.round(performance.now() - t0);
          const requestId = response.headers['x-slack-req-id'];
          logger.debug({ method, attempt, status: response.status, ms, requestId }, 'response');
        }
        call.gate?.done(call);
        try {
          return call.interpret(response);
        } catch (err) {
          return failed(call, err);
        }
      },
      (err: unknown) => {
        if (!(err instanceof RequestError)) return failed(call, err);
        let out = err;
        if (err.reason === 'timeout') {
          // The transport only knows its own budget ran out: say whether that was the call's deadline.
          const byDeadline = budget < timeout;
          const detail = byDeadline ? 'deadline passed' : `no answer within ${budget} ms`;
          out = new RequestError(byDeadline ? 'deadline' : 'timeout', detail, err.mayHaveBeenReceived, {
            method,
            cause: err.cause,
          });
        } else if (err.method === undefined) {
          out = new RequestError(err.reason, err.detail, err.mayHaveBeenReceived, {
            method,
            cause: err.cause,
            staleConnection: err.staleConnection,
          });
        }
        logger?.debug({ method, attempt, error: out }, 'request failed');
        return failed(call, out);
      },
    );
  };
}
