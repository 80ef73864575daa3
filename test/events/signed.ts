// Headers of an events request signed as Slack signs it: v0 HMAC-SHA256 over `v0:{ts}:{body}`.
import { signSlackRequest } from '../../src/events/verify.js';

export function signedHeaders(
  secret: string,
  body: string,
  options: { ts?: number; retry?: number; extra?: Record<string, string> } = {},
): Record<string, string> {
  const ts = options.ts ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': signSlackRequest(secret, ts, body),
    ...(options.retry === undefined
      ? {}
      : { 'x-slack-retry-num': String(options.retry), 'x-slack-retry-reason': 'http_timeout' }),
    ...options.extra,
  };
}
