// slackline/scim: Slack's SCIM API (v1, v2) for org admins: users and groups, filters that user input
// cannot change, index paging, typed errors, Slack's SCIM rate limits.
export {
  DEFAULT_SCIM_URL,
  type SCIMCallOptions,
  SCIMClient,
  type SCIMClientOptions,
  type SCIMGroupPatch,
  SCIMGroups,
  type SCIMSearchOptions,
  SCIMUsers,
} from './client.js';
export { SCIMError, SCIMErrorCode, type SCIMErrorFacts, scimErrorFacts } from './errors.js';
export * as filter from './filter.js';
export { type CompareOperator, type FilterValue, SCIMFilter } from './filter.js';
export {
  endpointName,
  SCIM_ENDPOINT_LIMITS,
  SCIM_SET_LIMITS,
  type SCIMPath,
  type SCIMResource,
  scimBuckets,
} from './limits.js';
export { SCIMPages } from './pages.js';
export type * from './types.js';
