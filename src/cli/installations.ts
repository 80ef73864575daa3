// `slackline installations list|show|delete` over the configured store. Tokens are never printed:
// only whether a token is present, its scopes and what the configured scopes add (scope drift).
import { parseArgs } from 'node:util';
import { InstallationAuthority } from '../oauth/authorize.js';
import type { InstallationQuery, InstallationStore, InstallationSummary } from '../oauth/types.js';
import { openStores } from '../server/stores.js';
import { WebClient } from '../web/client.js';
import { resealAll } from './keys.js';

const HELP = `usage: slackline installations list [--json] [--limit N]
       slackline installations show <T... | E...>
       slackline installations delete <T... | E...> --yes
       slackline installations reseal
       slackline installations refresh [--ahead MINUTES] [--concurrency N]

reseal: after putting a new key first in SLACKLINE_ENCRYPTION_KEYS (old keys after it), seals every
stored token again under the new key; then the old key can be removed (same as 'slackline keys rotate';
'slackline keys generate' makes a new key).
refresh: (token rotation) refreshes every bot token within its refresh margin, or within MINUTES
more, as a cron job would; needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (and SLACK_API_URL if not Slack).

Reads SLACKLINE_DATABASE_URL (default sqlite:./slackline.db) and SLACKLINE_ENCRYPTION_KEYS.
An E... id means the org-wide install of that enterprise. "missing" lists SLACK_SCOPES the
installation lacks: it needs a reinstall ("Update permissions" on the install page).
`;

export function queryFor(id: string): InstallationQuery | undefined {
  if (/^E[A-Z0-9]{2,}$/.test(id)) return { enterpriseId: id, teamId: null, isEnterpriseInstall: true };
  if (/^T[A-Z0-9]{2,}$/.test(id)) return { enterpriseId: undefined, teamId: id, isEnterpriseInstall: false };
  return undefined;
}

function missing(item: InstallationSummary): string[] {
  const have = new Set(item.botScopes);
  return (process.env.SLACK_SCOPES ?? '').split(/[\s,]+/).filter((s) => s !== '' && !have.has(s));
}

function line(item: InstallationSummary): string {
  const who = item.isEnterpriseInstall
    ? `${item.enterpriseId} (org-wide)`
    : `${item.teamId}${item.enterpriseId ? ` in ${item.enterpriseId}` : ''}`;
  const drift = missing(item);
  return [
    who.padEnd(24),
    (item.teamName ?? item.enterpriseName ?? '').padEnd(20),
    `bot ${item.botUserId ?? '-'}`.padEnd(16),
    `v${item.version}`.padEnd(5),
    new Date(item.updatedAt).toISOString(),
    drift.length === 0 ? '' : `  missing: ${drift.join(',')}`,
  ].join(' ');
}

export async function installationsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      limit: { type: 'string' },
      yes: { type: 'boolean' },
      ahead: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, id] = positionals;
  if (values.help || action === undefined) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  const query = id === undefined ? undefined : queryFor(id);
  if (action !== 'list' && action !== 'reseal' && action !== 'refresh' && query === undefined) {
    process.stderr.write(`slackline installations ${action}: give a team id (T...) or an enterprise id (E...)\n`);
    return 2;
  }
  if (action === 'reseal') return resealAll();
  const stores = await openStores();
  try {
    if (action === 'list') {
      let cursor: string | undefined;
      let left = Number(values.limit ?? Infinity);
      do {
        const page = await stores.installations.list({ limit: Math.min(500, left), cursor });
        for (const item of page.items) {
          process.stdout.write(
            values.json ? `${JSON.stringify({ ...item, missingScopes: missing(item) })}\n` : `${line(item)}\n`,
          );
        }
        left -= page.items.length;
        cursor = page.nextCursor;
      } while (cursor !== undefined && left > 0);
      return 0;
    }
    if (action === 'refresh') return await refresh(stores.installations, values.ahead, values.concurrency);
    if (action === 'show' && query !== undefined) {
      const inst = await stores.installations.findBot(query);
      if (inst === undefined) {
        process.stderr.write(`no installation for ${id}\n`);
        return 1;
      }
      const shown = {
        teamId: inst.teamId,
        teamName: inst.teamName,
        enterpriseId: inst.enterpriseId,
        enterpriseName: inst.enterpriseName,
        isEnterpriseInstall: inst.isEnterpriseInstall,
        appId: inst.appId,
        botUserId: inst.bot?.userId,
        botScopes: inst.bot?.scopes,
        botToken: inst.bot === undefined ? 'none' : 'present (sealed at rest)',
        botTokenExpiresAt: inst.bot?.expiresAt === undefined ? undefined : new Date(inst.bot.expiresAt).toISOString(),
        installedBy: inst.user.id,
        incomingWebhookChannel: inst.incomingWebhook?.channel,
        installedAt: new Date(inst.installedAt).toISOString(),
        updatedAt: new Date(inst.updatedAt).toISOString(),
        version: inst.version,
        history: (await stores.installations.history(query)).length,
        missingScopes: missing({ botScopes: inst.bot?.scopes ?? [] } as InstallationSummary),
      };
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    }
    if (action === 'delete' && query !== undefined) {
      if (!values.yes) {
        process.stderr.write(`this deletes every stored token of ${id}; run again with --yes\n`);
        return 2;
      }
      await stores.installations.deleteAll(query);
      process.stdout.write(`deleted ${id}\n`);
      return 0;
    }
    process.stderr.write(`unknown action '${action}'\n${HELP}`);
    return 2;
  } finally {
    await stores.close();
  }
}

async function refresh(store: InstallationStore, ahead = '0', concurrency = '4'): Promise<number> {
  const clientId = process.env.SLACK_CLIENT_ID ?? '';
  const clientSecret = process.env.SLACK_CLIENT_SECRET ?? '';
  const aheadMs = Number(ahead) * 60_000;
  if (clientId === '' || clientSecret === '' || !(aheadMs >= 0) || !(Number(concurrency) >= 1)) {
    process.stderr.write('refresh needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, --ahead >= 0 and --concurrency >= 1\n');
    return 2;
  }
  const apiUrl = process.env.SLACK_API_URL;
  const client = new WebClient(undefined, apiUrl ? { slackApiUrl: apiUrl } : {});
  const authority = new InstallationAuthority(store, { scopes: [], client, rotation: { clientId, clientSecret } });
  const report = await authority.refreshDue({ aheadMs, concurrency: Number(concurrency) });
  process.stdout.write(`checked ${report.checked}, refreshed ${report.refreshed}, failed ${report.failed.length}\n`);
  for (const f of report.failed) {
    const code = (f.error as { code?: string }).code ?? f.error.name;
    process.stderr.write(`${f.teamId ?? f.enterpriseId}: ${code}\n`);
  }
  return report.failed.length === 0 ? 0 : 1;
}
