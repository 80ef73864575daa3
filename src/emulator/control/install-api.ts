// The install side on the Emulator object (`emulator.install`): the same operations as the control API.

import type { EmulatorContext } from '../context.js';
import type { DeliveryRecord } from '../events/delivery.js';
import type { AppConfig, AppOptions } from '../model/apps.js';
import type { ExchangeLogEntry } from '../model/oauth-state.js';
import { addEnterprise, type EnterpriseSpec } from '../model/orgs.js';
import type { Decision, DecisionResult } from '../oauth/consent.js';
import { issueConfigurationPair } from '../oauth/token-methods.js';
import { approve } from './install-routes.js';

export type { DeliveryAttempt, DeliveryOptions, DeliveryRecord } from '../events/delivery.js';
export type { AppConfig, AppOptions } from '../model/apps.js';
export type { ExchangeLogEntry } from '../model/oauth-state.js';
export type { EnterpriseSpec } from '../model/orgs.js';
export type { Decision, DecisionResult } from '../oauth/consent.js';

export interface EnterpriseInfo {
  id: string;
  name: string;
  teamIds: readonly string[];
}

export interface InstallControls {
  /** The default app, or the one with this app id or client id. A copy: change it with configureApp. */
  app(ref?: string): Readonly<AppConfig>;
  registerApp(options?: AppOptions): Readonly<AppConfig>;
  configureApp(ref: string, options: AppOptions): Readonly<AppConfig>;
  addEnterprise(spec: EnterpriseSpec): EnterpriseInfo;
  /**
   * Consent without a browser: `authorize` is the authorize URL (or its query); Allow unless
   * `decision.allow` is false. Throws on what the page would refuse.
   */
  approve(authorize: string | URLSearchParams, decision?: Partial<Decision>): DecisionResult;
  /** Every event delivery so far, with its attempts. */
  deliveries(): DeliveryRecord[];
  /** Resolves once no delivery is pending (retries included). */
  deliveriesIdle(): Promise<void>;
  /** Every oauth.v2.access call so far. */
  exchanges(): readonly ExchangeLogEntry[];
  /**
   * A configuration token and its refresh token for a user (what the app settings page gives; trade
   * the refresh token with tooling.tokens.rotate). Default: the workspace's first user.
   */
  configurationToken(userId?: string): { token: string; refreshToken: string; exp: number };
}

function copy(app: AppConfig): Readonly<AppConfig> {
  return Object.freeze({
    ...app,
    redirectUrls: [...app.redirectUrls],
    botScopes: [...app.botScopes],
    userScopes: [...app.userScopes],
  });
}

export function installControls(core: EmulatorContext): InstallControls {
  return {
    app: (ref) => {
      const app = ref === undefined ? core.apps.defaultApp : core.apps.find(ref);
      if (app === undefined) throw new Error(`unknown app ${ref}`);
      return copy(app);
    },
    registerApp: (options = {}) => copy(core.apps.register(options)),
    configureApp: (ref, options) => copy(core.apps.configure(ref, options)),
    addEnterprise: (spec) => {
      const org = addEnterprise(core, spec);
      return { id: org.id, name: org.name, teamIds: [...org.teamIds] };
    },
    approve: (authorize, decision = {}) => {
      const params =
        typeof authorize === 'string'
          ? authorize.includes('?') || authorize.includes('://')
            ? new URL(authorize, 'http://emulator.local/').searchParams
            : new URLSearchParams(authorize)
          : authorize;
      return approve(core, params, { ...decision, allow: decision.allow !== false });
    },
    deliveries: () => core.deliveries.list(),
    deliveriesIdle: () => core.deliveries.idle(),
    exchanges: () => [...core.oauth.exchanges],
    configurationToken: (userId) => {
      const user = userId === undefined ? undefined : core.state.users.get(userId);
      if (userId !== undefined && user === undefined) throw new Error(`unknown user ${userId}`);
      const teamId = user?.teamId ?? core.workspace.teamId;
      return issueConfigurationPair(core, teamId, user?.id ?? core.workspace.userId);
    },
  };
}
