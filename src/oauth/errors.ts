// The errors of the OAuth core and of the stores built on it. Every one extends SlacklineError (one
// base, `switch (err.code)` over the exported constants); the store doors re-export StoreErrorCode.
// Bad caller input is InvalidArgumentError and a malformed Slack answer InvalidResponseError, both
// from the HTTP core, so they are not repeated here.
import { SlacklineError } from '../http/errors.js';

export const OAuthErrorCode = {
  NoInstallation: 'slackline_no_installation',
  RefreshRejected: 'slackline_refresh_rejected',
  RefreshFailed: 'slackline_refresh_failed',
  /** Slack refused an earlier refresh: the installation is marked and must be installed again. */
  NeedsReinstall: 'slackline_needs_reinstall',
  StateStoreFull: 'slackline_state_store_full',
} as const;
export type OAuthErrorCode = (typeof OAuthErrorCode)[keyof typeof OAuthErrorCode];

export const StoreErrorCode = {
  DriverMissing: 'slackline_driver_missing',
  LeaseTimeout: 'slackline_lease_timeout',
  Unreachable: 'slackline_store_unreachable',
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/** No stored installation (or no token of the kind asked for) for this workspace. */
export class AuthorizationError extends SlacklineError {
  declare readonly code: typeof OAuthErrorCode.NoInstallation;
  constructor() {
    super(OAuthErrorCode.NoInstallation, 'no installation for this workspace (install the app first)');
  }
}

/**
 * The memory state store is full of live install attempts: a new one is refused rather than
 * evicting a real user's pending state (a flood of install-page hits must not break their installs).
 */
export class StateStoreFullError extends SlacklineError {
  declare readonly code: typeof OAuthErrorCode.StateStoreFull;
  /** How many live states the store holds (its bound). */
  readonly held: number;
  constructor(held: number) {
    super(
      OAuthErrorCode.StateStoreFull,
      `${held} install attempts are pending: new installs are refused until some complete or expire`,
    );
    this.held = held;
  }
}

/** Another caller (maybe another process) held the row's refresh lease past this caller's deadline. */
export class LeaseTimeoutError extends SlacklineError {
  declare readonly code: typeof StoreErrorCode.LeaseTimeout;
  constructor(waitedMs: number) {
    super(StoreErrorCode.LeaseTimeout, `the refresh lease of this installation stayed held for ${waitedMs} ms`);
  }
}

/** A store's database driver (an optional peer dependency) is not installed. */
export class DriverMissingError extends SlacklineError {
  declare readonly code: typeof StoreErrorCode.DriverMissing;
  /** The package to install. */
  readonly driver: string;
  constructor(name: string, version: string, cause?: unknown) {
    super(StoreErrorCode.DriverMissing, `this store needs the '${name}' package: npm install ${name}@${version}`, {
      cause,
    });
    this.driver = name;
  }
}

/** A store's server (Redis, PostgreSQL) could not be reached when it was opened. */
export class StoreUnreachableError extends SlacklineError {
  declare readonly code: typeof StoreErrorCode.Unreachable;
  constructor(message: string, cause: unknown) {
    super(StoreErrorCode.Unreachable, message, { cause });
  }
}
