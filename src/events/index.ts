// slackline/events: request signature verification and the HTTP events endpoint.
export { createEventsHandler, type EventEnvelope, type EventsHandler, type EventsHandlerOptions } from './handler.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  readLimitedBody,
  SIGNATURE_WINDOW_SECONDS,
  SignatureError,
  type SignatureErrorCode,
  signSlackRequest,
  type VerifyOptions,
  verifySlackRequest,
} from './verify.js';
