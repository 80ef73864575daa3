// slackline/audit-logs: the Audit Logs API client (Enterprise Grid), on the one HTTP core.
export { AuditLogIterator, AuditLogsClient, type AuditLogsClientOptions, DEFAULT_AUDIT_URL } from './client.js';
export { AuditLogsError, AuditLogsErrorCode } from './errors.js';
export type * from './types.js';
