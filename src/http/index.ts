export * from './core.js';
export * from './errors.js';
export * from './logger.js';
export * from './redact.js';
export * from './retry.js';
export * from './transport.js';
