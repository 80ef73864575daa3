// `slackline keys generate|rotate`: sealing keys for SLACKLINE_ENCRYPTION_KEYS. `generate` prints a
// fresh entry (never stored anywhere); `rotate` seals every stored token again under the first key
// (the same code path as `installations reseal`).
import { parseArgs } from 'node:util';
import { KeyRing } from '../crypto/index.js';
import { systemClock } from '../http/clock.js';
import { openStores } from '../server/stores.js';

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

/** Seals every stored row again under the current key: `keys rotate` and `installations reseal`. */
export async function resealAll(): Promise<number> {
  const stores = await openStores(process.env, { create: false });
  try {
    const count = await stores.installations.reseal();
    process.stdout.write(`resealed ${count} row(s) under key '${stores.keyId}'\n`);
    return 0;
  } finally {
    await stores.close();
  }
}
