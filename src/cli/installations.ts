// `slackline installations list|show|delete` over the configured store. Tokens are never printed:
// only whether a token is present, its scopes and what the configured scopes add (scope drift).
import { parseArgs } from 'node:util';
import { InstallationAuthority } from '../oauth/authorize.js';
import type { InstallationQuery, InstallationStore, InstallationSummary } from '../oauth/types.js';
import { openStores } from '../server/stores.js';
import { WebClient } from '../web/client.js';
import { resealAll } from './keys.js';
import { didYouMean, parseArgsMessage } from './suggest.js';

const ACTIONS = ['list', 'show', 'delete', 'reseal', 'refresh'];

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

Reads SLACKLINE_DATABASE_URL (default sqlite:./slackline.db, where dev and serve keep installs) and
SLACKLINE_ENCRYPTION_KEYS (default: the key file beside the database); creates no file.
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

/**
 * A stored name as it may be shown in a terminal: names come from Slack (a workspace admin picks
 * them), so control characters (escape sequences that could rewrite the screen) and format characters
 * (bidi overrides) are shown as '?'.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, '?');
}

function line(item: InstallationSummary): string {
  const who = item.isEnterpriseInstall
    ? `${item.enterpriseId} (org-wide)`
    : `${item.teamId}${item.enterpriseId ? ` in ${item.enterpriseId}` : ''}`;
  const drift = missing(item);
  return [
    who.padEnd(24),
    printable(item.teamName ?? item.enterpriseName ?? '').padEnd(20),
    `bot ${item.botUserId ?? '-'}`.padEnd(16),
    `v${item.version}`.padEnd(5),
    new Date(item.updatedAt).toISOString(),
    drift.length === 0 ? '' : `  missing: ${drift.join(',')}`,
    item.needsReinstall === undefined
      ? ''
      : `  NEEDS REINSTALL (${printable(item.needsReinstall.reason)} at ${new Date(item.needsReinstall.at).toISOString()})`,
  ].join(' ');
}

export async function installationsCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    const message = parseArgsMessage(err, 'installations');
    if (message === undefined) throw err;
    process.stderr.write(`slackline installations: ${message}\n`);
    return 2;
  }
  return run(parsed);
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
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
}

async function run({ values, positionals }: ReturnType<typeof parseCommandLine>): Promise<number> {
  const [action, id] = positionals;
  if (values.help || action === undefined) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  if (!ACTIONS.includes(action)) {
    const shown = /^[A-Za-z0-9._-]{1,40}$/.test(action) ? ` '${action}'` : '';
    process.stderr.write(
      `slackline installations: unknown action${shown}${didYouMean(action, ACTIONS)} (list, show, delete, reseal or refresh)\n`,
    );
    return 2;
  }
  const query = id === undefined ? undefined : queryFor(id);
  if ((action === 'show' || action === 'delete') && query === undefined) {
    process.stderr.write(`slackline installations ${action}: give a team id (T...) or an enterprise id (E...)\n`);
    return 2;
  }
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  if (!(Number.isSafeInteger(limit) && limit >= 1) && limit !== Infinity) {
    process.stderr.write('slackline installations list: --limit takes a whole number of at least 1\n');
    return 2;
  }
  if (action === 'reseal') return resealAll();
  const stores = await openStores(process.env, { create: false });
  try {
    if (action === 'list') {
      let cursor: string | undefined;
      let left = limit;
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
        process.stderr.write(`no installation for ${id} in ${stores.description}\n`);
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
      // A row sealed under a key not configured here still exists (and deleting needs no key).
      const exists = await stores.installations.findBot(query).then(
        (found) => found !== undefined,
        () => true,
      );
      if (!exists) {
        process.stderr.write(`no installation for ${id} in ${stores.description}: nothing deleted\n`);
        return 1;
      }
      await stores.installations.deleteAll(query);
      process.stdout.write(`deleted ${id}\n`);
      return 0;
    }
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
  client.core.close();
  process.stdout.write(
    `checked ${report.checked}, refreshed ${report.refreshed}, failed ${report.failed.length}, not reached ${report.deferred.length}\n`,
  );
  for (const f of report.failed) {
    const code = (f.error as { code?: string }).code ?? f.error.name;
    process.stderr.write(`${f.teamId ?? f.enterpriseId}: ${code}\n`);
  }
  for (const d of report.deferred) {
    process.stderr.write(
      `${d.teamId ?? d.enterpriseId}: not refreshed, Slack at ${client.slackApiUrl} was not reached (the current token still works; run again)\n`,
    );
  }
  return report.failed.length === 0 && report.deferred.length === 0 ? 0 : 1;
}
