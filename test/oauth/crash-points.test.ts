// A process killed at any point of a token refresh: before the call to Slack, after Slack answered
// but before the write-back, inside the write-back transaction, after it. 4 points x 20 runs, each
// run its own installation (its own emulator app, so the emulator's exchange log counts attempts per
// installation) and its own child process (crash-child.ts), on SQLite and on PostgreSQL. Then:
// no torn row, and the next callers (two processes) do the right thing: a lease left by a dead
// holder is reported as a possibly lost answer and the stored refresh token is tried once; Slack
// accepts it within its grace period (runs 0-9: the emulator's clock is kept inside the 30 s grace
// while ours has passed the lease, as a Slack grace longer than our lease would) or refuses it (runs
// 10-19: past the grace) and the installation is marked needsReinstall. Every installation ends
// usable or marked; never more than 1 refresh attempt per installation per minute of emulator time.
// The emulator's clock stands still (set by this test), so "per minute" is read on it, not on the wall.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { installationFromOAuth } from '../../src/oauth/from-oauth.js';
import { openSqlite } from '../../src/stores/sqlite/index.js';
import { WebClient } from '../../src/web/client.js';
import { needService } from '../helpers/services.js';
import type { CrashPoint, RecoverAnswer, RecoverRequest, Team } from './crash-child.js';
import { type Kind, type OpenStore, openStore, pgUrl, TWELVE_HOURS } from './rotation-helpers.js';

const CHILD = join(import.meta.dirname, 'crash-child.js');
const POINTS: CrashPoint[] = ['before', 'answer', 'during', 'after'];
const RUNS = Number(process.env.CRASH_RUNS ?? 20);
const PARALLEL = 4;
/** Runs below this are recovered while Slack's grace period for a used refresh token lasts. */
const IN_GRACE = RUNS / 2;
const LEASE_MS = 60_000;
const GRACE_MS = 30_000;

interface Run extends Team {
  point: CrashPoint;
  run: number;
  /** PostgreSQL 'during': the killed write's transaction is ended by terminating its server process. */
  hold: boolean;
  appName: string;
  token0: string;
}

const q = (teamId: string) => ({ enterpriseId: null, teamId, isEnterpriseInstall: false });

function crashChild(env: Record<string, string>): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CHILD, 'crash'],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (err, _o, stderr) => resolve({ signal: (err as { signal?: NodeJS.Signals } | null)?.signal ?? null, stderr }),
    );
  });
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

class Recoverer {
  readonly #child: ChildProcess;
  readonly ready: Promise<void>;
  #pending: ((a: RecoverAnswer) => void) | undefined;
  constructor(env: Record<string, string>) {
    this.#child = fork(CHILD, ['recover'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve) => {
      this.#child.on('message', (m) => {
        if (m === 'ready') resolve();
        else this.#pending?.(m as RecoverAnswer);
      });
    });
  }
  ask(request: RecoverRequest): Promise<RecoverAnswer> {
    return new Promise((resolve) => {
      this.#pending = resolve;
      this.#child.send(request);
    });
  }
  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#child.once('exit', () => resolve());
      this.#child.send('exit');
    });
  }
}

for (const kind of ['sqlite', 'postgres'] as Kind[]) {
  describe(`crash points of a refresh: ${kind}`, () => {
    if (kind === 'postgres' && pgUrl === undefined) {
      it('SIGKILL at 4 points x 20 runs on PostgreSQL', async (t) => void (await needService(t, 'postgres')));
      return;
    }
    let emuNow = Date.now();
    let emu: Emulator;
    let open: OpenStore;
    let sql: (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;
    let closeSql: () => Promise<void>;
    before(async () => {
      emu = await startEmulator({ app: { tokenRotation: true }, clock: () => emuNow });
      open = await openStore(kind, { now: () => emuNow, scale: 1 });
      await open.store.list(); // tables created
      if (kind === 'sqlite') {
        const db = openSqlite(open.env.DB as string);
        sql = async (text, values = []) =>
          db.prepare(text.replaceAll('$schema.', '').replace(/\$\d+/g, '?')).all(...values) as Record<
            string,
            unknown
          >[];
        closeSql = async () => void db.close();
      } else {
        const client = new pg.Pool({ connectionString: pgUrl, max: 4 });
        const s = open.env.SCHEMA as string;
        sql = async (text, values = []) => (await client.query(text.replaceAll('$schema.', `${s}.`), values)).rows;
        closeSql = () => client.end();
        // The 'during' kill point: the write-back's UPDATE sleeps in this trigger, for the connections
        // a crash child marks by application_name (held: until terminated; brief: one second).
        await client.query(`
          CREATE FUNCTION ${s}.slackline_test_hold() RETURNS trigger LANGUAGE plpgsql AS $f$
          BEGIN
            IF current_setting('application_name') LIKE 'slcrash-hold-%' THEN PERFORM pg_sleep(600);
            ELSIF current_setting('application_name') LIKE 'slcrash-brief-%' THEN PERFORM pg_sleep(1);
            END IF;
            RETURN NEW;
          END $f$;
          CREATE TRIGGER slackline_test_hold AFTER UPDATE ON ${s}.slackline_installations
            FOR EACH ROW EXECUTE FUNCTION ${s}.slackline_test_hold();`);
      }
    });
    after(async () => {
      await closeSql?.();
      await open?.close();
      await emu?.close();
    });

    it(`SIGKILL at ${POINTS.length} points x ${RUNS} runs: no torn row; the next callers try a lost refresh once, then usable or needsReinstall`, {
      timeout: 300_000,
    }, async () => {
      // One installation per run: its own workspace and its own app.
      const seeded = emu.seed({
        workspaces: Array.from({ length: POINTS.length * RUNS }, (_, i) => ({ name: `Crash ${kind} ${i}` })),
      });
      const runs: Run[] = [];
      for (const [p, point] of POINTS.entries()) {
        for (let run = 0; run < RUNS; run++) {
          const team = String(seeded.workspaces[p * RUNS + run]?.id);
          const app = emu.install.registerApp({ tokenRotation: true, botScopes: ['chat:write'] });
          const url = new URL('oauth/v2/authorize', emu.url);
          url.searchParams.set('client_id', app.clientId);
          url.searchParams.set('scope', 'chat:write');
          const code = emu.install.approve(url.href, { team }).code ?? '';
          const answer = await new WebClient(undefined, { slackApiUrl: emu.apiUrl, retryHandlers: [] }).oauth.v2.access(
            { client_id: app.clientId, client_secret: app.clientSecret, code },
          );
          const inst = installationFromOAuth(answer as unknown as Record<string, unknown>, {
            now: () => emuNow,
            scale: 1,
          });
          await open.store.save(inst);
          const hold = run % 2 === 0;
          runs.push({
            point,
            run,
            teamId: inst.teamId ?? '',
            clientId: app.clientId,
            clientSecret: app.clientSecret,
            hold,
            appName: `slcrash-${hold ? 'hold' : 'brief'}-${team}`,
            token0: inst.bot?.token ?? '',
          });
        }
      }
      const refreshes = (r: Run, since = 0) =>
        emu.install
          .exchanges()
          .filter((e) => e.client_id === r.clientId && e.grant_type === 'refresh_token' && e.at >= since);

      // 1. The crashes: every token is a minute from expiry (due), the emulator's clock stands at E1.
      const E1 = emuNow + TWELVE_HOURS - 60_000;
      emuNow = E1;
      await eachLimited(runs, PARALLEL, async (r) => {
        const env: Record<string, string> = {
          ...open.env,
          API: emu.apiUrl,
          CID: r.clientId,
          CSECRET: r.clientSecret,
          TEAM: r.teamId,
          POINT: r.point,
          NOW: String(E1),
          APP_NAME: r.appName,
        };
        const { signal, stderr } = await crashChild(env);
        assert.equal(signal, 'SIGKILL', `${r.point} #${r.run}: the child was not killed at its point: ${stderr}`);
        if (kind === 'postgres' && r.point === 'during') {
          // The killed client's server process: held ones are ended now (rolled back); brief ones end
          // by themselves (their statement completes or fails on the closed connection).
          if (r.hold)
            await sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
              r.appName,
            ]);
          for (;;) {
            const left = await sql('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [r.appName]);
            if (left.length === 0) break;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      });

      // 2. No torn row: every row opens; its token, expiry and refresh token are one issue's, either
      // the installed ones untouched (lease left behind) or the refresh's, written with the lease let go.
      const leaseOf = async (r: Run) =>
        (await sql('SELECT owner FROM $schema.slackline_refresh_leases WHERE team_id = $1', [r.teamId])).length;
      const committed = new Set<string>();
      for (const r of runs) {
        const label = `${kind} ${r.point} #${r.run}`;
        const row = await open.store.findBot(q(r.teamId));
        assert.ok(row?.bot?.token !== undefined && row.bot.refreshToken !== undefined, `${label}: row opens`);
        const issued = emu.state.tokens.get(row.bot.token);
        assert.ok(issued !== undefined && !issued.revoked, `${label}: the stored token is one the emulator issued`);
        assert.ok(
          Math.abs((issued.expiresAt ?? 0) - (row.bot.expiresAt ?? 0)) < 5_000,
          `${label}: expiry of that token`,
        );
        const wasRefreshed = row.bot.token !== r.token0;
        assert.equal(row.version, wasRefreshed ? 2 : 1, `${label}: version moved with the tokens, once`);
        assert.equal(
          await leaseOf(r),
          wasRefreshed ? 0 : 1,
          `${label}: a lease is left exactly when nothing was written`,
        );
        const sent = refreshes(r);
        assert.equal(sent.length, r.point === 'before' ? 0 : 1, `${label}: refresh calls that reached Slack`);
        const expectCommitted =
          r.point === 'after' ? true : r.point === 'during' && kind === 'postgres' && !r.hold ? undefined : false;
        if (expectCommitted !== undefined) assert.equal(wasRefreshed, expectCommitted, `${label}: committed`);
        if (wasRefreshed) committed.add(r.teamId);
      }

      // 3. The next callers: two processes, rounds of authorize() for every installation of a group.
      const recoverEnv = { ...open.env, API: emu.apiUrl };
      const recoverers = [new Recoverer(recoverEnv), new Recoverer(recoverEnv)];
      await Promise.all(recoverers.map((x) => x.ready));
      const warned = new Map<string, number>();
      const marked = new Map<string, number>();
      const final = new Map<string, { token?: string; error?: string }>();
      const STEPS = [0, 20_000, 40_000, 61_000, 130_000];
      const groups = [
        { runs: runs.filter((r) => r.run < IN_GRACE), emuAt: E1 + GRACE_MS - 10_000, ourAt: E1 + LEASE_MS + 1_000 },
        { runs: runs.filter((r) => r.run >= IN_GRACE), emuAt: E1 + 200_000, ourAt: E1 + 200_000 },
      ];
      const recoveryStart = E1 + 1;
      for (const g of groups) {
        for (const step of STEPS) {
          emuNow = g.emuAt + step;
          const request = {
            now: g.ourAt + step,
            teams: g.runs.map(({ teamId, clientId, clientSecret }) => ({ teamId, clientId, clientSecret })),
          };
          const answers = await Promise.all(recoverers.map((x) => x.ask(request)));
          for (const a of answers) {
            for (const w of a.warnings) {
              if (/interrupted/.test(w.msg)) warned.set(w.teamId, (warned.get(w.teamId) ?? 0) + 1);
            }
            for (const t of a.needsReinstall) marked.set(t, (marked.get(t) ?? 0) + 1);
            for (const r of a.results) final.set(r.teamId, r);
          }
        }
      }
      await Promise.all(recoverers.map((x) => x.stop()));

      // 4. What each installation came to.
      const api = new WebClient(undefined, { slackApiUrl: emu.apiUrl, retryHandlers: [] });
      for (const r of runs) {
        const label = `${kind} ${r.point} #${r.run}`;
        const lost = !committed.has(r.teamId);
        const spent = lost && r.point !== 'before'; // Slack answered the killed refresh
        const refused = spent && r.run >= IN_GRACE;
        const row = await open.store.findBot(q(r.teamId));
        const attempts = refreshes(r, recoveryStart);
        assert.equal(
          attempts.length,
          lost ? 1 : 0,
          `${label}: refresh attempts after the crash (authorize: ${JSON.stringify(final.get(r.teamId)?.error)})`,
        );
        for (let i = 1; i < attempts.length; i++) {
          assert.ok(
            (attempts[i]?.at ?? 0) - (attempts[i - 1]?.at ?? 0) >= 60_000,
            `${label}: 2 attempts within a minute`,
          );
        }
        assert.equal(attempts[0]?.ok ?? true, !refused, `${label}: Slack's answer to the one retry`);
        assert.equal(warned.get(r.teamId) ?? 0, lost ? 1 : 0, `${label}: the lost answer was reported once`);
        assert.equal(await leaseOf(r), 0, `${label}: no lease left`);
        if (refused) {
          assert.equal(row?.needsReinstall?.reason, 'invalid_refresh_token', `${label}: marked`);
          assert.equal(marked.get(r.teamId), 1, `${label}: onNeedsReinstall fired once`);
          assert.equal(final.get(r.teamId)?.error, 'slackline_needs_reinstall', `${label}: authorize answers the mark`);
        } else {
          assert.equal(row?.needsReinstall, undefined, `${label}: not marked`);
          const token = final.get(r.teamId)?.token;
          assert.equal(token, row?.bot?.token, `${label}: authorize answers the stored token`);
          const check = await api
            .withToken(token ?? '')
            .auth.test()
            .catch((e: unknown) => e);
          assert.equal((check as { ok?: boolean }).ok, true, `${label}: the token works at Slack`);
        }
      }
    });
  });
}
