// The package root: the Web API client and its errors (the same as `slackline/web`).
export * from './web/index.js';
