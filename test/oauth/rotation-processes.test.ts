// Two processes sharing one SQLite file, or one PostgreSQL database, ask authorize() for the same
// expiring installation at the same moment: exactly one refresh, and both get the same new token.
// The refresh is held at Slack for HOLD ms: the lease is data, so while one process waits for Slack
// and the other for the lease, neither holds a connection (each has a pool of ONE on PostgreSQL) and
// an unrelated lookup in either answers at once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { needService } from '../helpers/services.js';
import { install } from '../stores/conformance.js';
import { clockOf, installInto, type Kind, nearExpiry, openStore, pgUrl, refreshCounter } from './rotation-helpers.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');

// Each worker: its own store and authority (own cache, own single-flight), 10 concurrent calls at GO_AT.
const worker = `
const { KeyRing } = await import(process.env.SRC + '/crypto/index.js');
const { InstallationAuthority } = await import(process.env.SRC + '/oauth/authorize.js');
const { WebClient } = await import(process.env.SRC + '/web/client.js');
const { createHash } = await import('node:crypto');
const keys = KeyRing.parse(process.env.SPEC);
let store, db;
if (process.env.KIND === 'sqlite') {
  const { SqliteInstallationStore } = await import(process.env.SRC + '/stores/sqlite/index.js');
  store = new SqliteInstallationStore(process.env.DB, { keys });
} else {
  const { PostgresDatabase, PostgresInstallationStore } = await import(process.env.SRC + '/stores/postgres/index.js');
  db = new PostgresDatabase({ connectionString: process.env.DB, schema: process.env.SCHEMA, max: 1 });
  await db.ready();
  store = new PostgresInstallationStore(db, { keys });
}
const offset = Number(process.env.OFFSET);
const authority = new InstallationAuthority(store, {
  scopes: ['chat:write'],
  client: new WebClient(undefined, { slackApiUrl: process.env.API }),
  clock: { now: () => Date.now() + offset, scale: 1 },
  rotation: { clientId: process.env.CID, clientSecret: process.env.CSECRET },
});
const q = { enterpriseId: null, teamId: process.env.TEAM, isEnterpriseInstall: false };
await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.GO_AT) - Date.now())));
const asking = Promise.all(Array.from({ length: 10 }, () => authority.authorize(q)));
await new Promise((r) => setTimeout(r, Number(process.env.HOLD) / 3)); // the refresh is out at Slack
const started = Date.now();
const other = await store.findBot({ enterpriseId: null, teamId: 'T0UNRELATED', isEnterpriseInstall: false });
const otherMs = Date.now() - started;
const answers = await asking;
const hashes = [...new Set(answers.map((a) => createHash('sha256').update(a.botToken).digest('hex')))];
process.stdout.write(JSON.stringify({ hashes, otherMs, other: other?.teamId }));
await store.close();
if (db) await db.close();
`;

interface WorkerAnswer {
  hashes: string[];
  /** How long the unrelated findBot took while the refresh was held at Slack. */
  otherMs: number;
  other: string | undefined;
}

function run(env: Record<string, string>): Promise<WorkerAnswer> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', worker],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, out, stderr) => (err === null ? resolve(JSON.parse(out) as WorkerAnswer) : reject(new Error(stderr))),
    );
  });
}

const HOLD_MS = 3_000;

const hash = (token: string | undefined) =>
  createHash('sha256')
    .update(token ?? '')
    .digest('hex');

for (const kind of ['sqlite', 'postgres'] as Kind[]) {
  describe(`token rotation across processes: ${kind}`, () => {
    if (kind === 'postgres' && pgUrl === undefined) {
      it('two processes on PostgreSQL', async (t) => void (await needService(t, 'postgres')));
      return;
    }
    let emu: Emulator;
    before(async () => {
      emu = await startEmulator({ app: { tokenRotation: true } });
    });
    after(async () => {
      await emu.close();
    });

    for (const round of [1, 2, 3]) {
      it(`round ${round}: 2 processes x 10 calls at one moment → exactly 1 refresh, one new token`, {
        timeout: 90_000,
      }, async () => {
        emu.state.clock.offsetMs = 0;
        const open = await openStore(kind, clockOf(emu));
        try {
          const teamId = await installInto(emu, open.store);
          await open.store.save(install({ team: 'T0UNRELATED' }));
          const q = { enterpriseId: null, teamId, isEnterpriseInstall: false };
          const before = await open.store.findBot(q);
          const refreshes = refreshCounter(emu);
          nearExpiry(emu);
          emu.addFault({ method: 'oauth.v2.access', kind: 'delay', ms: HOLD_MS, times: 1 });
          const env = {
            HOLD: String(HOLD_MS),
            ...open.env,
            SRC,
            API: emu.apiUrl,
            CID: emu.clientId,
            CSECRET: emu.clientSecret,
            OFFSET: String(emu.state.clock.offsetMs),
            TEAM: teamId,
            GO_AT: String(Date.now() + 1500), // both started and connected by then
          };
          const [a, b] = await Promise.all([run(env), run(env)]);
          assert.equal(a.hashes.length, 1);
          assert.deepEqual(a.hashes, b.hashes);
          for (const w of [a, b]) {
            assert.equal(w.other, 'T0UNRELATED');
            assert.ok(
              w.otherMs < HOLD_MS / 2,
              `an unrelated findBot took ${w.otherMs} ms during a ${HOLD_MS} ms refresh`,
            );
          }
          const after = await open.store.findBot(q);
          assert.equal(a.hashes[0], hash(after?.bot?.token));
          assert.notEqual(after?.bot?.token, before?.bot?.token);
          assert.equal(after?.version, (before?.version ?? 0) + 1);
          assert.equal(refreshes(), 1);
          assert.equal(refreshes(false), 0);
          assert.equal(await open.leases(), 0, 'the lease was let go');
        } finally {
          await open.close();
        }
      });
    }
  });
}
