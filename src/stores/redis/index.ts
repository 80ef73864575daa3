// slackline/stores/redis: Redis-backed stores. Bring your own node-redis client (`redis`, an optional
// peer dependency); nothing here loads a driver by itself.

export { DriverMissingError, LeaseTimeoutError, StoreErrorCode, StoreUnreachableError } from '../../oauth/errors.js';
export { type RedisLimiterStoreOptions, type RedisScriptClient, redisLimiterStore } from './limiter.js';
export { type RedisCommandClient, RedisDedupeStore, RedisStateStore, type RedisStoreOptions } from './state.js';
