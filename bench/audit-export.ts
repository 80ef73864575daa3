// Audit export throughput and memory: entries per second and the exporter's peak RSS while it exports
// 1,000,000 entries (BENCH_AUDIT_ENTRIES) from the emulator to JSONL, with RSS sampled as the export
// grows (it must stay flat: one page in memory at a time). Targets: 50,000 entries/s, under 150 MB.
// Three processes, each pinned: the emulator (this file with --serve), the exporter (--export), and
// this one, which only starts them and writes the result.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLogsClient, exportAuditLogs } from '../src/audit-logs/index.js';
import { firstLine, machine, spawnNode, updateReadme, writeResult } from './lib/measure.js';

const SELF = fileURLToPath(import.meta.url);

interface Served {
  auditUrl: string;
  token: string;
}

interface Exported {
  entries: number;
  seconds: number;
  entriesPerSecond: number;
  bytes: number;
  peakRssMb: number;
  /** RSS (MB) after a quarter, half, three quarters and all of the export. */
  rssMbAt: Record<string, number>;
}

/** The emulator with one org and `count` generated entries; prints where and with which token. */
async function serve(count: number): Promise<void> {
  // Loaded here only: the exporter's process (whose RSS is measured) never loads the emulator.
  const { startEmulator } = await import('../src/emulator/index.js');
  const emu = await startEmulator({ enterprises: [{ name: 'Bench' }] });
  const team = [...emu.state.teams.keys()].find((id) => id !== emu.workspace.teamId) as string;
  const token = emu.issueToken({ type: 'user', scopes: ['admin', 'auditlogs:read'], team });
  const res = await fetch(`${emu.url}_emulator/audit/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count, team, step_ms: 100 }),
  });
  if (res.status !== 200) throw new Error(`generate answered ${res.status}`);
  const served: Served = { auditUrl: emu.auditUrl, token };
  process.stdout.write(`${JSON.stringify(served)}\n`);
}

async function exportAll(served: Served, count: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'slackline-bench-audit-'));
  const out = join(dir, 'audit.jsonl');
  const client = new AuditLogsClient(served.token, { baseUrl: served.auditUrl });
  const rssMbAt: Record<string, number> = {};
  const marks = [0.25, 0.5, 0.75];
  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  const t0 = performance.now();
  const done = await exportAuditLogs({
    client,
    query: {},
    format: 'jsonl',
    out,
    checkpoint: `${out}.cp`,
    onProgress: (p) => {
      while (marks.length > 0 && p.count >= (marks[0] as number) * count) {
        rssMbAt[`${(marks.shift() as number) * 100}%`] = mb(process.memoryUsage.rss());
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  rssMbAt['100%'] = mb(process.memoryUsage.rss());
  client.close();
  const result: Exported = {
    entries: done.count,
    seconds: Math.round(seconds * 100) / 100,
    entriesPerSecond: Math.round(done.count / seconds),
    bytes: statSync(out).size,
    // maxRSS is in kilobytes.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
    rssMbAt,
  };
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export async function benchAuditExport(): Promise<Exported> {
  const count = Number(process.env.BENCH_AUDIT_ENTRIES ?? 1_000_000);
  const server = spawnNode(SELF, ['--serve', String(count)], 1);
  try {
    const served = JSON.parse(await firstLine(server)) as Served;
    const exporter = spawnNode(SELF, ['--export', JSON.stringify(served), String(count)], 0);
    const result = JSON.parse(await firstLine(exporter)) as Exported;
    if (result.entries !== count) throw new Error(`exported ${result.entries} of ${count} entries`);
    const file = writeResult('audit-export', { machine: machine(), ...result });
    const rss = Object.entries(result.rssMbAt)
      .map(([at, v]) => `${at}: ${v} MB`)
      .join(', ');
    updateReadme(
      'audit-export',
      `| entries | entries/s | peak RSS | RSS as the export grows |\n|---|---|---|---|\n` +
        `| ${count.toLocaleString('en')} | ${result.entriesPerSecond.toLocaleString('en')} | ${result.peakRssMb} MB | ${rss} |`,
    );
    console.log(`audit export: ${JSON.stringify(result)} -> ${file}`);
    return result;
  } finally {
    server.kill();
  }
}

const [mode, arg, countArg] = process.argv.slice(2);
if (mode === '--serve') await serve(Number(arg));
else if (mode === '--export') await exportAll(JSON.parse(arg as string) as Served, Number(countArg));
