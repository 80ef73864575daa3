// `slackline keys rotate` over 10,000 rows while two serve processes refresh tokens (rotation on,
// every token due at every call): the rotation is SIGKILLed once it passes 50%, run again to finish,
// and afterwards every row opens with ONLY the new key and no refresh was lost: Slack never saw a
// spent refresh token (the emulator runs 60x fast, so its 30 s grace for a used refresh token is half
// a real second and a spent token coming back would be refused), and each installation's stored
// refresh token is the one the emulator issued last (it is still unused: Slack accepts it).
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { installationFromOAuth } from '../../src/oauth/from-oauth.js';
import type { RowInstallationStore } from '../../src/oauth/row-store.js';
import { PostgresInstallationStore } from '../../src/stores/postgres/index.js';
import { SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { WebClient } from '../../src/web/client.js';
import { CLI } from '../e2e/helpers.js';
import { needService } from '../helpers/services.js';
import { install } from '../stores/conformance.js';
import { type Kind, openStore, pgUrl } from './rotation-helpers.js';

const CHILD = join(import.meta.dirname, 'crash-child.js');
const ROWS = 10_000;
const INSTALLED = 20;

class Refresher {
  readonly #child: ChildProcess;
  readonly ready: Promise<void>;
  #answer: ((a: { calls: number; errors: string[] }) => void) | undefined;
  constructor(env: Record<string, string>) {
    this.#child = fork(CHILD, ['refresh'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve) => {
      this.#child.on('message', (m) =>
        m === 'ready' ? resolve() : this.#answer?.(m as { calls: number; errors: string[] }),
      );
    });
  }
  stop(): Promise<{ calls: number; errors: string[] }> {
    return new Promise((resolve) => {
      this.#answer = resolve;
      this.#child.send('stop');
    });
  }
}

const keysRotate = (env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [CLI, 'keys', 'rotate'], { env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
    );
  });

for (const kind of ['sqlite', 'postgres'] as Kind[])
  describe(`key rotation while serving: ${kind}`, () => {
    if (kind === 'postgres' && pgUrl === undefined) {
      it('keys rotate on PostgreSQL', async (t) => void (await needService(t, 'postgres')));
      return;
    }
    it(`keys rotate over ${ROWS} rows while 2 processes refresh tokens, SIGKILLed past 50% and run again: every row opens with only the new key, 0 refreshes lost`, {
      timeout: 600_000,
    }, async () => {
      const emu = await startEmulator({ app: { tokenRotation: true }, clock: { scale: 60 } });
      const open = await openStore(kind);
      try {
        const OLD = open.env.SPEC as string; // its key id is 'rot'
        const NEW = KeyRing.generateSpec('new');
        const seeded = emu.seed({ workspaces: Array.from({ length: INSTALLED }, (_, i) => ({ name: `Keyrot ${i}` })) });
        const store = open.store;
        /** The same rows under another key ring (closed by the caller). */
        const reopen = (spec: string): RowInstallationStore =>
          kind === 'sqlite'
            ? new SqliteInstallationStore(open.env.DB as string, { keys: KeyRing.parse(spec) })
            : new PostgresInstallationStore(
                { connectionString: pgUrl ?? '', schema: open.env.SCHEMA as string, max: 2 },
                { keys: KeyRing.parse(spec) },
              );
        const teams: string[] = [];
        const api = new WebClient(undefined, { slackApiUrl: emu.apiUrl, retryHandlers: [] });
        for (const w of seeded.workspaces) {
          const url = new URL('oauth/v2/authorize', emu.url);
          url.searchParams.set('client_id', emu.clientId);
          url.searchParams.set('scope', 'chat:write');
          const code = emu.install.approve(url.href, { team: String(w.id) }).code ?? '';
          const answer = await api.oauth.v2.access({ client_id: emu.clientId, client_secret: emu.clientSecret, code });
          const inst = installationFromOAuth(answer as unknown as Record<string, unknown>);
          await store.save(inst);
          teams.push(inst.teamId ?? '');
        }
        const filler = Array.from({ length: ROWS - INSTALLED }, (_, i) =>
          install({ team: `T0FILL${String(i).padStart(6, '0')}`, token: `xoxb-canary-fill-${i}` }),
        );
        for (let i = 0; i < filler.length; i += 1000) await store.saveMany(filler.slice(i, i + 1000));
        const both = `${NEW},${OLD}`; // the new key first: it seals, the old one still opens

        const refreshes = (ok?: boolean) =>
          emu.install.exchanges().filter((e) => e.grant_type === 'refresh_token' && (ok === undefined || e.ok === ok))
            .length;
        const env = {
          ...{ ...open.env, SPEC: both, API: emu.apiUrl, CID: emu.clientId, CSECRET: emu.clientSecret },
          PAUSE_MS: '1000',
        };
        const refreshers = [0, 1].map(() => new Refresher({ ...env, TEAMS: teams.join(',') }));
        await Promise.all(refreshers.map((r) => r.ready));

        // The rotation, killed once its progress passes half way.
        const cliEnv: Record<string, string> =
          kind === 'sqlite'
            ? { SLACKLINE_DATABASE_URL: `sqlite:${open.env.DB}`, SLACKLINE_ENCRYPTION_KEYS: both }
            : {
                SLACKLINE_DATABASE_URL: pgUrl ?? '',
                SLACKLINE_DATABASE_SCHEMA: open.env.SCHEMA as string,
                SLACKLINE_ENCRYPTION_KEYS: both,
              };
        const before = refreshes();
        const first = spawn(process.execPath, [CLI, 'keys', 'rotate'], { env: { ...process.env, ...cliEnv } });
        let progress = '';
        const killed = await new Promise<NodeJS.Signals | null>((resolve) => {
          first.stderr.on('data', (chunk: Buffer) => {
            progress += chunk.toString();
            const seen = [...progress.matchAll(/re-sealing: (\d+)\/(\d+)/g)].map((m) => Number(m[1]) / Number(m[2]));
            if (seen.some((f) => f >= 0.5) && first.exitCode === null) first.kill('SIGKILL');
          });
          first.on('exit', (_code, signal) => resolve(signal));
        });
        assert.equal(killed, 'SIGKILL', `the first run ended before half way: ${progress}`);
        const halfStore = reopen(both);
        const half = await halfStore.sealingReport();
        await halfStore.close();
        assert.ok((half.byKeyId.rot ?? 0) > 0 && (half.byKeyId.new ?? 0) >= ROWS / 2, JSON.stringify(half.byKeyId));
        const second = await keysRotate(cliEnv);
        assert.equal(second.code, 0, second.stdout + second.stderr);
        assert.match(second.stdout, /every row is sealed under 'new': the other keys can be dropped/);
        const during = refreshes() - before;
        const answers = await Promise.all(refreshers.map((r) => r.stop()));

        // 0 refreshes lost: none refused (a spent token would be), none failed in the serve processes.
        assert.ok(during >= 20, `refreshes while keys rotate ran: ${during}`);
        for (const a of answers) {
          assert.deepEqual(a.errors, []);
          assert.ok(a.calls > 0);
        }
        assert.equal(refreshes(false), 0, 'Slack refused no refresh: no spent refresh token came back');
        // Every row with ONLY the new key.
        const only = reopen(NEW);
        try {
          const report = await only.sealingReport();
          assert.equal(report.rows, ROWS);
          assert.deepEqual(report.byKeyId, { new: ROWS });
          assert.equal(report.unreadable.length, 0);
          let read = 0;
          let cursor: string | undefined;
          do {
            const page = await only.list({ limit: 1000, cursor });
            for (const item of page.items) {
              const row = await only.findBot({ enterpriseId: null, teamId: item.teamId, isEnterpriseInstall: false });
              assert.ok(row?.bot?.token !== undefined, `${item.teamId} opens`);
              read++;
            }
            cursor = page.nextCursor;
          } while (cursor !== undefined);
          assert.equal(read, ROWS);
          // The stored refresh token of each installation is the last one Slack issued: still unused, so
          // accepted now, well past the grace period of any earlier one.
          await new Promise((r) => setTimeout(r, 1_000)); // a minute of emulator time
          for (const teamId of teams) {
            const row = await only.findBot({ enterpriseId: null, teamId, isEnterpriseInstall: false });
            assert.equal(row?.needsReinstall, undefined, `${teamId}: not marked`);
            const fresh = await api.oauth.v2
              .access({
                client_id: emu.clientId,
                client_secret: emu.clientSecret,
                grant_type: 'refresh_token',
                refresh_token: row?.bot?.refreshToken ?? '',
              })
              .catch((e: unknown) => e);
            assert.equal((fresh as { ok?: boolean }).ok, true, `${teamId}: the stored refresh token is the live one`);
          }
        } finally {
          await only.close();
        }
      } finally {
        await open.close();
        await emu.close();
      }
    });
  });
