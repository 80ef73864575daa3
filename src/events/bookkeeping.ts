// Uninstall and revocation bookkeeping, the same for every transport (HTTP and Socket Mode):
// app_uninstalled deletes every row of the install, tokens_revoked the named tokens' rows, and
// neither deletes an installation made after the event happened.
import type { Logger } from '../http/logger.js';
import type { InstallationAuthority } from '../oauth/authorize.js';
import type { DeleteScope, InstallationQuery } from '../oauth/types.js';
import type { EventEnvelope } from './inbound.js';

const obj = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Who an event is about, for a log line (ids only, never a token). */
export function describe(envelope: EventEnvelope | undefined): Record<string, unknown> {
  if (envelope === undefined) return {};
  const event = obj(envelope.event);
  return {
    eventId: envelope.event_id,
    eventType: typeof event?.type === 'string' ? event.type : envelope.type,
    teamId: envelope.team_id,
    enterpriseId: envelope.enterprise_id,
  };
}

/** Whether `bookkeeping` has anything to do for this envelope (the events handler skips it otherwise). */
export function needsBookkeeping(envelope: EventEnvelope, authority: InstallationAuthority | undefined): boolean {
  if (authority === undefined) return false;
  const type = obj(envelope.event)?.type;
  return type === 'app_uninstalled' || type === 'tokens_revoked';
}

/**
 * app_uninstalled removes every row of the install; tokens_revoked removes the named tokens' rows.
 * Neither touches an installation made after the event happened: a replayed (or very late) uninstall
 * must not delete a fresh re-installation, whatever the de-duplication remembers.
 */
export async function bookkeeping(
  envelope: EventEnvelope,
  authority: InstallationAuthority | undefined,
  log: Logger,
): Promise<void> {
  const event = obj(envelope.event);
  if (authority === undefined || event === undefined || !needsBookkeeping(envelope, authority)) return;
  const query = await installationOf(envelope, authority);
  // event_time counts whole seconds: a row installed within that second or before it is what the
  // event is about; one installed in a later second is a re-installation (or re-grant) and is kept.
  // Each row is judged by its own installed_at, inside the store's atomic conditional delete.
  const upTo = typeof envelope.event_time === 'number' ? (envelope.event_time + 1) * 1000 - 1 : Infinity;
  const forget = async (q: InstallationQuery, what: DeleteScope): Promise<void> => {
    const { kept } = await authority.forget(q, what, upTo);
    if (kept > 0) {
      log.warn(
        { ...describe(envelope), ...(q.userId === undefined ? {} : { userId: q.userId }), kept },
        `${String(event.type)} predates the current installation: kept`,
      );
    }
  };
  if (event.type === 'app_uninstalled') await forget(query, 'all');
  if (event.type === 'tokens_revoked') {
    const tokens = obj(event.tokens);
    if (strings(tokens?.bot).length > 0) await forget(query, 'bot');
    for (const userId of strings(tokens?.oauth)) await forget({ ...query, userId }, 'user');
  }
}

/**
 * Which installation an uninstall or revocation is about. Slack leaves `authorizations` out of these
 * two events, so an org-wide install shows as the enterprise id (team_id = enterprise_id, or a
 * workspace of the org with no install of its own): then the org-wide row is meant.
 */
async function installationOf(envelope: EventEnvelope, authority: InstallationAuthority): Promise<InstallationQuery> {
  const auth = obj(Array.isArray(envelope.authorizations) ? envelope.authorizations[0] : undefined);
  const enterpriseId = typeof envelope.enterprise_id === 'string' ? envelope.enterprise_id : null;
  const teamId = typeof envelope.team_id === 'string' ? envelope.team_id : null;
  const flagged = auth?.is_enterprise_install === true || envelope.is_enterprise_install === true;
  const workspace: InstallationQuery = { enterpriseId, teamId, isEnterpriseInstall: false };
  if (flagged || (enterpriseId !== null && (teamId === null || teamId === enterpriseId))) {
    return { ...workspace, isEnterpriseInstall: true };
  }
  if (enterpriseId === null || auth !== undefined) return workspace;
  const own = await authority.store?.findInstallation(workspace);
  return own === undefined ? { ...workspace, isEnterpriseInstall: true } : workspace;
}
