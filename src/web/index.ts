export { type Clock, scaledClock, systemClock } from '../http/clock.js';
export type { CoreEventName, CoreEvents, CoreStats, RateLimitedEvent, RetryEvent } from '../http/core.js';
export {
  type DefaultTransport,
  type DefaultTransportKind,
  type DefaultTransportOptions,
  defaultTransport,
} from '../http/default-transport.js';
export {
  ErrorCode,
  HTTPError,
  InvalidArgumentError,
  InvalidResponseError,
  PlatformError,
  QueueFullError,
  RateLimitedError,
  RequestError,
  SlacklineError,
} from '../http/errors.js';
export { type LimiterStore, memoryLimiterStore } from '../http/limiter-store.js';
export type { Logger, LogLevel } from '../http/logger.js';
export { jsonLogger, silentLogger } from '../http/logger.js';
export { RateLimiter, type RateLimiterOptions } from '../http/rate-limiter.js';
export type { FailedAttempt, RetryDecision, RetryHandler } from '../http/retry.js';
export {
  defaultRetryHandlers,
  type RateLimitedRetryOptions,
  retryRateLimited,
  retryServerErrors,
  type ServerErrorRetryOptions,
} from '../http/retry-handlers.js';
export type { Transport } from '../http/transport.js';
export { fetchTransport, nodeTransport } from '../http/transport.js';
export {
  type UndiciDispatcher,
  type UndiciModule,
  type UndiciTransportOptions,
  undiciTransport,
} from '../http/undici-transport.js';
export {
  type CallOptions,
  DEFAULT_SLACK_API_URL,
  type RateLimitOptions,
  WebClient,
  type WebClientOptions,
} from './client.js';
export type * from './methods.generated.js';
export { METHODS } from './methods.generated.js';
export { type PaginateOptions, Paginator } from './paginate.js';
export { type BucketLimit, budgetResolver, type LimitOverrides, SPECIAL_LIMITS, TIER_LIMITS } from './tiers.js';
export type * from './types.js';
export type { FilesUploadV2Arguments, FilesUploadV2Response, FileUpload } from './upload.js';
