export {
  ErrorCode,
  HTTPError,
  InvalidArgumentError,
  InvalidResponseError,
  PlatformError,
  RateLimitedError,
  RequestError,
  SlacklineError,
} from '../http/errors.js';
export type { Logger, LogLevel } from '../http/logger.js';
export { jsonLogger, silentLogger } from '../http/logger.js';
export type { FailedAttempt, RetryDecision, RetryHandler } from '../http/retry.js';
export type { Transport } from '../http/transport.js';
export { fetchTransport, nodeTransport } from '../http/transport.js';
export { type CallOptions, DEFAULT_SLACK_API_URL, WebClient, type WebClientOptions } from './client.js';
export type * from './methods.generated.js';
export { METHODS } from './methods.generated.js';
export { type PaginateOptions, Paginator } from './paginate.js';
export type * from './types.js';
export type { FilesUploadV2Arguments, FilesUploadV2Response, FileUpload } from './upload.js';
