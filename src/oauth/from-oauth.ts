// oauth.v2.access's answer into the installation data model. A malformed answer is an
// InvalidResponseError (reported as a failed install), never a half-filled row.
import { InvalidResponseError } from '../http/errors.js';
import type { Installation } from './types.js';

type Obj = Record<string, unknown>;
export type NewInstallation = Omit<Installation, 'installedAt' | 'updatedAt' | 'version'>;

const obj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const scopes = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? v.split(',') : []);
const expiry = (v: unknown, now: number): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? now + v * 1000 : undefined;

const malformed = (reason: string) =>
  new InvalidResponseError(reason, 'application/json', '', { method: 'oauth.v2.access' });

/** `now` (epoch ms, from the caller's clock) turns `expires_in` into an expiry time. */
export function installationFromOAuth(answer: Obj, now: number): NewInstallation {
  const team = obj(answer.team);
  const enterprise = obj(answer.enterprise);
  const authed = obj(answer.authed_user);
  const userId = str(authed?.id);
  if (userId === undefined) throw malformed('no authed_user.id');
  const isEnterpriseInstall = answer.is_enterprise_install === true;
  const teamId = isEnterpriseInstall ? null : (str(team?.id) ?? null);
  const enterpriseId = str(enterprise?.id) ?? null;
  if (teamId === null && enterpriseId === null) throw malformed('neither team nor enterprise');
  const botToken = answer.token_type === 'bot' ? str(answer.access_token) : undefined;
  const botUserId = str(answer.bot_user_id);
  const hook = obj(answer.incoming_webhook);
  const hookUrl = str(hook?.url);
  return {
    appId: str(answer.app_id),
    enterpriseId,
    enterpriseName: str(enterprise?.name),
    enterpriseUrl: undefined,
    teamId,
    teamName: str(team?.name),
    isEnterpriseInstall,
    tokenType: str(answer.token_type),
    bot:
      botToken === undefined || botUserId === undefined
        ? undefined
        : {
            token: botToken,
            id: str(answer.bot_id),
            userId: botUserId,
            scopes: scopes(answer.scope),
            refreshToken: str(answer.refresh_token),
            expiresAt: expiry(answer.expires_in, now),
          },
    user: {
      id: userId,
      token: str(authed?.access_token),
      scopes: scopes(authed?.scope),
      refreshToken: str(authed?.refresh_token),
      expiresAt: expiry(authed?.expires_in, now),
    },
    incomingWebhook:
      hookUrl === undefined
        ? undefined
        : {
            url: hookUrl,
            channel: str(hook?.channel),
            channelId: str(hook?.channel_id),
            configurationUrl: str(hook?.configuration_url),
          },
  };
}
