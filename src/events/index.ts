// slackline/events: request signature verification, the inbound dispatcher and its HTTP endpoint.
export { DEDUPE_TTL_MS, type EventDedupeStore, eventTimeOf, REPLAY_WINDOW_MS } from './dedupe.js';
export {
  type AckPayload,
  type Dispatched,
  Dispatcher,
  type DispatcherOptions,
  type EventCallback,
  type InboundKind,
  type Interaction,
  type InteractionType,
  type Listener,
  type ListenerContext,
  type SlackEvent,
  type SlashCommand,
  type ViewStateValue,
} from './dispatcher.js';
export type { InteractionPayloadMap, SlackEventMap, SlackEventType } from './events.generated.js';
export {
  createEventsHandler,
  type EventEnvelope,
  type EventsHandler,
  type EventsHandlerOptions,
  type HandlerContext,
} from './handler.js';
export { MemoryDedupeStore } from './memory-dedupe.js';
export { EventFailure } from './options.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  readLimitedBody,
  SIGNATURE_WINDOW_SECONDS,
  SignatureError,
  SignatureErrorCode,
  signSlackRequest,
  type VerifyOptions,
  verifySlackRequest,
} from './verify.js';
