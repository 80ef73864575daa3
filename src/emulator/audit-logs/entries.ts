// Audit log entries in Slack's shape (data/audit-logs.json has the recorded union shape): recorded from
// emulator activity, or generated in bulk through the control API.
import type { Ctx } from '../context.js';
import { readDataFile } from '../model/data.js';
import type { Activity } from '../model/state.js';
import { type AuditLog, auditLogOf, entryId } from './log.js';

interface AuditData {
  actions: Record<string, string[]>;
  schemas: unknown[];
}

let data: AuditData | undefined;
let actionNames: Set<string> | undefined;

/** Slack's action lists and schemas, as recorded (data/audit-logs.json). */
export function auditData(): AuditData {
  data ??= readDataFile('audit-logs.json') as AuditData;
  return data;
}

/** Every action name Slack documents. */
export function knownActions(): ReadonlySet<string> {
  actionNames ??= new Set(Object.values(auditData().actions).flat());
  return actionNames;
}

type AuditCtx = Ctx<'state' | 'oauth' | 'apps' | 'clock'>;

function userJson(core: AuditCtx, id: string | undefined): Record<string, unknown> {
  const user = id === undefined ? undefined : core.state.users.get(id);
  if (user === undefined) return { id: id ?? 'USLACKBOT', name: 'Slackbot', email: '', team: '' };
  return { id: user.id, name: user.name, email: user.email ?? '', team: user.teamId };
}

/** Where it happened: the org when the workspace belongs to one, else the workspace. */
function locationJson(core: AuditCtx, teamId: string): Record<string, unknown> {
  const enterpriseId = core.oauth.teamEnterprise.get(teamId);
  const org = enterpriseId === undefined ? undefined : core.oauth.enterprises.get(enterpriseId);
  if (org !== undefined) return { type: 'enterprise', id: org.id, name: org.name, domain: org.domain };
  const team = core.state.teams.get(teamId);
  return { type: 'workspace', id: teamId, name: team?.name ?? '', domain: team?.domain ?? '' };
}

function contextJson(core: AuditCtx, teamId: string): Record<string, unknown> {
  return { location: locationJson(core, teamId), ua: 'slackline-emulator', ip_address: '127.0.0.1' };
}

function entityJson(core: AuditCtx, activity: Activity): Record<string, unknown> {
  const { entity } = activity;
  switch (entity.type) {
    case 'channel': {
      const c = core.state.channels.get(entity.id);
      const privacy = c?.kind === 'private' ? 'private' : 'public';
      return {
        type: 'channel',
        channel: { id: entity.id, name: c?.name ?? '', privacy, is_shared: false, is_org_shared: false },
      };
    }
    case 'app': {
      const app = core.apps.find(entity.id);
      return { type: 'app', app: { id: entity.id, name: app?.name ?? '', is_distributed: false } };
    }
    case 'user':
      return { type: 'user', user: userJson(core, entity.id) };
    case 'workspace': {
      const team = core.state.teams.get(entity.id);
      return { type: 'workspace', workspace: { id: entity.id, name: team?.name ?? '', domain: team?.domain ?? '' } };
    }
  }
}

/** Records an activity in the state's audit log, rendered as it is now (names may change later). */
export function recordActivity(core: AuditCtx, activity: Activity): void {
  const date = core.clock.seconds();
  const enterpriseId = core.oauth.teamEnterprise.get(activity.teamId);
  auditLogOf(core.state).add((seq) => ({
    date,
    action: activity.action,
    actorId: activity.actorId ?? 'USLACKBOT',
    entityId: activity.entity.id,
    enterpriseId,
    json: JSON.stringify({
      id: entryId(seq),
      date_create: date,
      action: activity.action,
      actor: { type: 'user', user: userJson(core, activity.actorId) },
      entity: entityJson(core, activity),
      context: contextJson(core, activity.teamId),
    }),
  }));
}

export interface GenerateSpec {
  count: number;
  /** Action names (Slack's); default user_login and user_logout in turn. */
  actions: readonly string[];
  /** The workspace whose users act; its org's log holds the entries. */
  teamId: string;
  /** Milliseconds between entries; the last one is dated now. */
  stepMs: number;
}

/** Adds `count` generated entries in constant memory: users of the team log in and out, one every stepMs. */
export function generateEntries(core: AuditCtx, spec: GenerateSpec): { firstSeq: number; count: number } {
  const log: AuditLog = auditLogOf(core.state);
  const users = core.state.usersOf(spec.teamId).filter((u) => !u.isBot);
  const actors = (users.length > 0 ? users : [undefined]).map((u) => ({
    id: u?.id ?? 'USLACKBOT',
    json: JSON.stringify({ type: 'user', user: userJson(core, u?.id) }),
  }));
  const endMs = core.clock.now();
  return log.addRange({
    count: spec.count,
    startMs: endMs - (spec.count - 1) * spec.stepMs,
    stepMs: spec.stepMs,
    actions: spec.actions,
    actors,
    enterpriseId: core.oauth.teamEnterprise.get(spec.teamId),
    context: JSON.stringify(contextJson(core, spec.teamId)),
  });
}
