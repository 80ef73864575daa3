// `slackline audit-logs export`: streams an org's audit log to JSONL or CSV, resumable with --resume.
// The token comes from the environment only (SLACK_AUDIT_TOKEN, or the variable --token-env names).
// On a terminal a progress bar (cli-progress, an optional dependency loaded only then) shows how far
// back in time the walk has come; otherwise a plain line per page goes to stderr.

import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { AuditLogsClient } from '../audit-logs/client.js';
import { type ExportFormat, type ExportProgress, exportAuditLogs, exportAuditLogsTo } from '../audit-logs/export.js';
import { systemClock } from '../http/clock.js';
import { SlacklineError } from '../http/errors.js';
import { terminalBar } from './progress.js';

const HELP = `usage: slackline audit-logs export --since 7d [--until T] [--action A[,B...]] [--format jsonl|csv] [--limit N]
                                  [--out FILE [--resume CHECKPOINT]] [--token-env NAME] [--audit-url URL]

  --since T        oldest entry: a duration back from now (30m, 12h, 7d), epoch seconds or an ISO date
  --until T        newest entry (default: now, fixed when the export starts)
  --action A       only these actions (repeat the flag or separate with commas)
  --format F       jsonl (default) or csv
  --limit N        entries per request, 1 to 9999 (default 5000: bigger pages, fewer calls, more memory)
  --out FILE       write to FILE (default: stdout)
  --resume CP      checkpoint file: continue an interrupted export into --out without gaps or
                   duplicates (created when absent; the query saved in it wins)
  --token-env NAME the environment variable holding the org admin token (default SLACK_AUDIT_TOKEN)
  --audit-url URL  the API base URL (default $SLACK_AUDIT_URL or https://api.slack.com/audit/v1/)

Exit status: 0 when the export completed, 1 when Slack or the network failed (resume with the same
command), 2 for a bad command line.
`;

class UsageError extends Error {}

/** Epoch seconds of a --since/--until value. */
export function parseTime(value: string, now: number): number {
  const duration = /^(\d{1,9})([smhd])$/.exec(value);
  if (duration !== null) {
    const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[duration[2] as 's' | 'm' | 'h' | 'd'];
    return Math.floor(now / 1000) - Number(duration[1]) * unit;
  }
  if (/^\d{1,11}$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date))
    throw new UsageError(`not a time: ${JSON.stringify(value.slice(0, 40))} (try 7d or 2026-01-31)`);
  return Math.floor(date / 1000);
}

/** A progress reporter: a bar on a terminal, plain lines otherwise. */
async function progressReporter(oldest: number, latest: number): Promise<(p: ExportProgress) => void> {
  const span = Math.max(1, latest - oldest);
  const bar = await terminalBar('audit-logs export |{bar}| {percentage}% | {entries} entries', span, { entries: 0 });
  if (bar !== undefined) {
    return (p) => {
      bar.update(p.done ? span : Math.min(span, latest - (p.date ?? latest)), { entries: p.count });
      if (p.done) bar.stop();
    };
  }
  const stderr = process.stderr;
  return (p) => {
    const at = p.date === undefined ? '' : ` (back to ${new Date(p.date * 1000).toISOString()})`;
    stderr.write(`audit-logs export: ${p.count} entries${at}${p.done ? ', done' : ''}\n`);
  };
}

async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      since: { type: 'string' },
      until: { type: 'string' },
      action: { type: 'string', multiple: true },
      format: { type: 'string' },
      limit: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'string' },
      'token-env': { type: 'string' },
      'audit-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.since === undefined) throw new UsageError('--since is required (e.g. --since 7d)');
  const format = (values.format ?? 'jsonl') as ExportFormat;
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError('--format must be jsonl or csv');
  if (values.resume !== undefined && values.out === undefined) throw new UsageError('--resume needs --out FILE');
  const now = systemClock.now();
  const oldest = parseTime(values.since, now);
  const latest = values.until === undefined ? Math.floor(now / 1000) : parseTime(values.until, now);
  if (oldest > latest) throw new UsageError('--since is after --until');
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 9999)) {
    throw new UsageError('--limit must be a whole number from 1 to 9999');
  }
  const action = values.action?.flatMap((a) => a.split(',')).filter((a) => a !== '');
  const tokenEnv = values['token-env'] ?? 'SLACK_AUDIT_TOKEN';
  const token = process.env[tokenEnv];
  if (!token) throw new UsageError(`no token: set ${tokenEnv} to an org admin user token with auditlogs:read`);
  const baseUrl = values['audit-url'] ?? (process.env.SLACK_AUDIT_URL || undefined);
  const client = new AuditLogsClient(token, { baseUrl });
  const query = { oldest, latest, ...(action?.length ? { action } : {}) };
  const onProgress = await progressReporter(oldest, latest);
  // Without --resume the checkpoint is the export's own: a fresh start, removed once done.
  const checkpoint = values.resume ?? `${values.out}.checkpoint`;
  if (values.resume === undefined && values.out !== undefined) await rm(checkpoint, { force: true });
  try {
    const done =
      values.out === undefined
        ? await exportAuditLogsTo(process.stdout, { client, query, format, limit, onProgress })
        : await exportAuditLogs({
            client,
            query,
            format,
            limit,
            out: values.out,
            checkpoint,
            onProgress,
          });
    if (values.resume === undefined && values.out !== undefined) await rm(checkpoint, { force: true });
    if (values.out !== undefined) process.stderr.write(`audit-logs export: ${done.count} entries in ${values.out}\n`);
    return 0;
  } finally {
    client.close();
  }
}

export async function auditLogsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === 'export') return await exportCommand(rest);
    process.stdout.write(HELP);
    return sub === undefined || sub === '--help' || sub === '-h' ? (sub === undefined ? 2 : 0) : 2;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`slackline audit-logs: ${error.message}\n`);
      return 2;
    }
    if (error instanceof SlacklineError) {
      process.stderr.write(`slackline audit-logs: ${error.message} (${error.code}); run the same command to resume\n`);
      return 1;
    }
    throw error;
  }
}
