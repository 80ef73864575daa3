// slackline/oauth: authorize URL, state, the install and callback handlers, authorize(), and the
// memory and file stores. SQLite and PostgreSQL stores live in slackline/stores/*.
export { KeyRing, SealError, SealErrorCode } from '../crypto/index.js';
export { type AuthorizeResult, InstallationAuthority, type RefreshReport } from './authorize.js';
export {
  AuthorizationError,
  DriverMissingError,
  LeaseTimeoutError,
  OAuthErrorCode,
  StateStoreFullError,
  StoreErrorCode,
  StoreUnreachableError,
} from './errors.js';
export { installationFromOAuth, type NewInstallation } from './from-oauth.js';
export {
  Installer,
  type InstallerOptions,
  type OAuthInstallerOptions,
  type SingleWorkspaceOptions,
  sameOriginUrl,
} from './installer.js';
export { FileInstallationStore, fileRowBackend, MemoryInstallationStore, MemoryRowBackend } from './memory-store.js';
export { defaultPages, escapeHtml, FailureReason, type InstallPageContext, type Pages } from './pages.js';
export {
  type NeedsReinstallEvent,
  type RotationOptions,
  TokenRefreshError,
  type TokenRefreshErrorCode,
} from './rotation.js';
export {
  LEASE_MS,
  type LeaseWaitOptions,
  type ResealOptions,
  RowInstallationStore,
  type RowStoreOptions,
  type SealingReport,
} from './row-store.js';
export type { NewRow, RotatedTokens, Row, RowBackend, RowKey } from './rows.js';
export { generateState, isWellFormedState, MemoryStateStore, STATE_TTL_MS, StateCookie } from './state.js';
export type * from './types.js';
export { type AuthorizeUrlOptions, authorizeUrl, DEFAULT_AUTHORIZE_URL, pkcePair } from './url.js';
