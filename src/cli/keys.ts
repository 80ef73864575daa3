// `slackline keys generate|rotate`: sealing keys for SLACKLINE_ENCRYPTION_KEYS. `generate` prints a
// fresh entry (never stored anywhere); `rotate` seals every stored token again under the first key
// (the same code path as `installations reseal`), with a progress bar on a terminal.
import { parseArgs } from 'node:util';
import { KeyRing } from '../crypto/index.js';
import { systemClock } from '../http/clock.js';
import { openStores } from '../server/stores.js';
import { terminalBar } from './progress.js';

const HELP = `usage: slackline keys generate [--id KID]
       slackline keys rotate

generate: prints a new random key entry, kid:base64key (32 random bytes). To rotate keys, put it
first in SLACKLINE_ENCRYPTION_KEYS with the old entries after it, restart every process, then run
'slackline keys rotate' and drop the old entry.
rotate: seals every stored token again under the first key (a refresh running meanwhile is kept).
`;

export async function keysCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { id: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [action] = positionals;
  if (values.help || action === undefined) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  if (action === 'generate') {
    const id = values.id ?? `k${new Date(systemClock.now()).toISOString().slice(0, 10).replaceAll('-', '')}`;
    const spec = KeyRing.generateSpec(id);
    KeyRing.parse(spec); // the id is checked the same way SLACKLINE_ENCRYPTION_KEYS is
    process.stdout.write(`${spec}\n`);
    return 0;
  }
  if (action === 'rotate') return resealAll();
  process.stderr.write(`unknown action '${action}'\n${HELP}`);
  return 2;
}

/**
 * Seals every stored row again under the current key: `keys rotate` and `installations reseal`.
 * Safe while serve processes run (each row is rewritten under its refresh lease, only if it did not
 * move) and resumable: a run stopped halfway is finished by running it again (rows already under
 * the current key are skipped). Then it says whether the older keys can be dropped.
 */
export async function resealAll(): Promise<number> {
  const stores = await openStores(process.env, { create: false });
  try {
    const before = await stores.installations.sealingReport();
    const stale = before.rows - (before.byKeyId[stores.keyId] ?? 0);
    const progress = await progressLine(stale);
    const count = await stores.installations.reseal({
      onProgress: ({ resealed }) => progress.update(resealed),
    });
    progress.done();
    process.stdout.write(`resealed ${count} row(s) under key '${stores.keyId}'\n`);
    const after = await stores.installations.sealingReport();
    const left = Object.entries(after.byKeyId).filter(([kid]) => kid !== stores.keyId);
    if (after.unreadable.length > 0) {
      process.stdout.write(
        `${after.unreadable.length} row(s) do not open with these keys: keep every key until they are fixed\n`,
      );
      return 1;
    }
    if (left.length > 0) {
      const list = left.map(([kid, n]) => `${n} under '${kid}'`).join(', ');
      process.stdout.write(`${list} (written meanwhile): run 'slackline keys rotate' again\n`);
      return 1;
    }
    process.stdout.write(
      `every row is sealed under '${stores.keyId}': the other keys can be dropped from SLACKLINE_ENCRYPTION_KEYS\n`,
    );
    return 0;
  } finally {
    await stores.close();
  }
}

/** Progress on stderr: a cli-progress bar on a terminal, a plain line per 10% otherwise. */
async function progressLine(total: number): Promise<{ update(done: number): void; done(): void }> {
  const bar =
    total === 0 ? undefined : await terminalBar('re-sealing |{bar}| {percentage}% | {value}/{total} rows', total);
  if (bar !== undefined) return { update: (done) => bar.update(done), done: () => bar.stop() };
  let lastTenth = -1;
  return {
    update(done) {
      if (total === 0) return;
      const tenth = Math.floor((done / total) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        process.stderr.write(`re-sealing: ${done}/${total} rows\n`);
      }
    },
    done() {},
  };
}
