// The Audit Logs API's shapes (https://api.slack.com/audit/v1/): typed from the recorded answers in
// data/audit-logs.json. Fields Slack sends only for some entries are optional; unknown extra fields
// stay on the objects (Slack adds entity types over time).

export interface AuditUser {
  id: string;
  name?: string;
  email?: string;
  team?: string;
  account_type?: string;
}

export interface AuditActor {
  type: 'user' | (string & {});
  user?: AuditUser;
  [key: string]: unknown;
}

export interface AuditChannel {
  id: string;
  name?: string;
  privacy?: string;
  is_shared?: boolean;
  is_org_shared?: boolean;
  teams_shared_with?: string[];
}

export interface AuditApp {
  id: string;
  name?: string;
  is_distributed?: boolean;
  is_directory_approved?: boolean;
  is_workflow_app?: boolean;
  scopes?: string[];
  bot_scopes?: string[];
  creator?: string;
  team?: string;
}

export interface AuditPlace {
  id: string;
  name?: string;
  domain?: string;
}

/** What an entry is about: `type` names which of the other fields is set. */
export interface AuditEntity {
  type: 'user' | 'channel' | 'app' | 'workspace' | 'enterprise' | 'file' | 'message' | 'usergroup' | (string & {});
  user?: AuditUser;
  channel?: AuditChannel;
  app?: AuditApp;
  workspace?: AuditPlace;
  enterprise?: AuditPlace;
  file?: { id: string; name?: string; filetype?: string; title?: string };
  message?: { channel?: string; team?: string; timestamp?: string };
  usergroup?: { id: string; name?: string };
  [key: string]: unknown;
}

export interface AuditContext {
  location?: { type: 'workspace' | 'enterprise' | (string & {}); id: string; name?: string; domain?: string };
  ua?: string;
  ip_address?: string;
  session_id?: string;
  app?: AuditApp;
  [key: string]: unknown;
}

export interface AuditLogEntry {
  id: string;
  /** Epoch seconds. */
  date_create: number;
  action: string;
  actor: AuditActor;
  entity: AuditEntity;
  context: AuditContext;
  details?: Record<string, unknown>;
}

export interface LogsQuery {
  /** Epoch seconds, inclusive: entries at or after. */
  oldest?: number;
  /** Epoch seconds, inclusive: entries at or before. */
  latest?: number;
  /** Entries per request (Slack: up to 9999). */
  limit?: number;
  /** One action or several (Slack: up to 30). */
  action?: string | readonly string[];
  /** A user id: entries this user did. */
  actor?: string;
  /** An entity id: entries about it. */
  entity?: string;
  /** Start at this cursor (from a saved `position`). */
  cursor?: string;
  /** Entries of the first page already seen (from a saved `position`): they are skipped. */
  skip?: number;
  /** Stop after this many pages (default 10,000). */
  maxPages?: number;
  signal?: AbortSignal;
}

/** Where to resume: `logs({ ...query, ...position })` yields exactly the entries after the last one seen. */
export interface LogsPosition {
  cursor: string | undefined;
  skip: number;
  /** True once the last page was read: nothing follows. */
  done: boolean;
}

export interface LogsPage {
  /** The cursor this page was fetched with (undefined for the first page). */
  cursor: string | undefined;
  entries: AuditLogEntry[];
  /** The next page's cursor; undefined on the last page. */
  nextCursor: string | undefined;
}

export interface AuditSchema {
  type: string;
  [key: string]: unknown;
}

export interface SchemasResponse {
  schemas: AuditSchema[];
}

/** Action names by category (`user`, `channel`, `app`, `workspace_or_org`...). */
export interface ActionsResponse {
  actions: Record<string, string[]>;
}
