// Redaction cost per error with 1 and with 1,000,000 installations' clients made on one core: every
// client registers its tokens, refresh tokens and webhook URL with the core's redactor, so this shows
// whether the redactor's work grows with the installations (it must not: shaped secrets are caught
// by pattern, only a bounded set of shapeless ones is kept). Each error: Slack's ok:false body copied
// and redacted, plus a 512-byte snippet of a 2 KB proxy page.
import { HttpCore } from '../src/http/core.js';
import { WebClient } from '../src/web/index.js';
import { machine, median, updateReadme, writeResult } from './lib/measure.js';

const X = 'xox';
const ERRORS = 20_000;

interface Row {
  installations: number;
  registered: number;
  /** Median µs to redact one error. */
  usPerError: number;
}

function coreWith(installations: number): HttpCore {
  const core = new HttpCore();
  // What the app registers once: its client secret.
  core.redactor.addSecret('bench0client0secret0000000000000');
  const base = new WebClient(`${X}b-0-bench`, { core });
  for (let i = 0; i < installations; i++) {
    // clientFor(installation): a client per installation token, on the shared core.
    base.withToken(`${X}b-${i}-0000000000-benchInstallationToken${i}`);
    core.redactor.addSecret(`${X}e-1-benchRefreshToken${i}`);
    core.redactor.addSecret(`https://hooks.slack.com/services/T${i}/B${i}/benchWebhook${i}`);
  }
  return core;
}

/** µs to redact one error on `core`, one round of ERRORS errors. */
function round(core: HttpCore): number {
  const body = {
    ok: false,
    error: 'invalid_auth',
    response_metadata: { messages: [`token ${X}b-1-0000000000-benchInstallationToken1 was revoked`] },
  };
  const page = Buffer.from(`<html>${'proxy error '.repeat(170)} bench0client0secret0000000000000</html>`);
  const t0 = performance.now();
  for (let i = 0; i < ERRORS; i++) {
    core.redactor.value(body);
    core.snippet(page);
  }
  return ((performance.now() - t0) * 1000) / ERRORS;
}

export async function benchRedaction(): Promise<Row[]> {
  const big = Number(process.env.BENCH_INSTALLATIONS ?? 1_000_000);
  const cores = [1, big].map((installations) => ({ installations, core: coreWith(installations) }));
  // Rounds alternate between the two, after one warm-up each, so JIT and machine load hit both alike.
  const samples = cores.map(() => [] as number[]);
  for (const { core } of cores) round(core);
  for (let r = 0; r < 7; r++) for (const [i, { core }] of cores.entries()) samples[i]?.push(round(core));
  const rows: Row[] = cores.map(({ installations, core }, i) => ({
    installations,
    registered: core.redactor.size,
    usPerError: median(samples[i] ?? []),
  }));
  for (const { core } of cores) core.close();
  console.log('installations  registered  µs per error');
  for (const r of rows) {
    console.log(
      `${String(r.installations).padStart(13)} ${String(r.registered).padStart(11)} ${r.usPerError.toFixed(2).padStart(13)}`,
    );
  }
  const file = writeResult('redaction', { bench: 'redaction', errors: ERRORS, machine: machine(), rows });
  const table = [
    '| installations (clients made) | secrets kept | µs to redact one error |',
    '|---:|---:|---:|',
    ...rows.map((r) => `| ${r.installations.toLocaleString('en')} | ${r.registered} | ${r.usPerError.toFixed(2)} |`),
  ].join('\n');
  if (!process.env.BENCH_NO_README) updateReadme('redaction', table);
  console.log(`wrote ${file}`);
  return rows;
}
