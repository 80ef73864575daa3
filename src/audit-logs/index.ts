// slackline/audit-logs: the Audit Logs API client (Enterprise Grid), on the one HTTP core.
export { AuditLogIterator, AuditLogsClient, type AuditLogsClientOptions, DEFAULT_AUDIT_URL } from './client.js';
export { AuditLogsError, AuditLogsErrorCode } from './errors.js';
export {
  CSV_COLUMNS,
  type ExportFormat,
  type ExportOptions,
  type ExportProgress,
  type ExportQuery,
  exportAuditLogs,
  exportAuditLogsTo,
  formatEntry,
} from './export.js';
export type * from './types.js';
