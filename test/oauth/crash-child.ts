// A child process for crash-points.test.ts. Two roles (argv[2]):
//
// crash:   authorize() one installation whose token is due, over a real store and the emulator, and
//          SIGKILL itself at POINT of the refresh. The kill points are reached by wrapping what the
//          store and the client are built on, here in the test, never by a hook in src/:
//            before  - the transport's send, as the oauth.v2.access request is about to leave
//            answer  - the row store's write-back (finishLease with tokens), before it runs
//            during  - inside the write transaction: SQLite, a temporary trigger on the row update
//                      calls a function that kills the process; PostgreSQL, a trigger sleeps in the
//                      update (marked by this connection's application_name) and the process kills
//                      itself once pg_stat_activity shows its update sleeping there
//            after   - the write-back, once it has returned
//          Exits 3 if it was not killed (the point was never reached).
// recover: the next callers. Waits for { now, teams } messages, authorizes every team at that clock
//          reading, answers { results, warnings } (warnings: what the client's logger said).
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { KeyRing } from '../../src/crypto/index.js';
import type { Clock } from '../../src/http/clock.js';
import { jsonLogger } from '../../src/http/logger.js';
import { nodeTransport, type Transport } from '../../src/http/transport.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import { RowInstallationStore } from '../../src/oauth/row-store.js';
import type { RowBackend } from '../../src/oauth/rows.js';
import { WebClient } from '../../src/web/client.js';

export type CrashPoint = 'before' | 'answer' | 'during' | 'after';

export interface Team {
  teamId: string;
  clientId: string;
  clientSecret: string;
}

export interface RecoverRequest {
  now: number;
  teams: Team[];
}

export interface RecoverAnswer {
  results: { teamId: string; token?: string; error?: string }[];
  warnings: { teamId: string; msg: string }[];
  needsReinstall: string[];
}

const env = process.env as Record<string, string>;
const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL ends the process');
};

/** Our clock: the parent's reading (emulator time) plus the real time since. */
function clockAt(now: number): { clock: Clock; set(now: number): void } {
  let base = now;
  let at = performance.now();
  return {
    clock: { now: () => Math.round(base + (performance.now() - at)), scale: 1 },
    set(next) {
      base = next;
      at = performance.now();
    },
  };
}

/** `inner` with its write-back replaced (everything else as it is). */
function withWriteBack(inner: RowBackend, finishLease: RowBackend['finishLease']): RowBackend {
  return {
    upsert: inner.upsert.bind(inner),
    get: inner.get.bind(inner),
    delete: inner.delete.bind(inner),
    listBots: inner.listBots.bind(inner),
    listAll: inner.listAll.bind(inner),
    history: inner.history.bind(inner),
    claimLease: inner.claimLease.bind(inner),
    finishLease,
    close: inner.close.bind(inner),
  };
}

async function openBackend(point: CrashPoint | undefined): Promise<RowBackend> {
  if (env.KIND === 'sqlite') {
    const { openSqlite, SqliteRowBackend } = await import('../../src/stores/sqlite/index.js');
    const db = openSqlite(env.DB as string);
    if (point === 'during') {
      // Runs inside the write-back transaction, after the row's UPDATE: the kill leaves it uncommitted.
      (db as unknown as Database.Database).function('slackline_test_crash', () => die());
      db.exec(
        `CREATE TEMP TRIGGER slackline_test_crash AFTER UPDATE ON main.slackline_installations
         BEGIN SELECT slackline_test_crash(); END`,
      );
    }
    return new SqliteRowBackend(db, true);
  }
  const { PostgresDatabase, PostgresRowBackend } = await import('../../src/stores/postgres/index.js');
  const url = new URL(env.DB as string);
  if (point === 'during') url.searchParams.set('application_name', env.APP_NAME as string);
  const db = new PostgresDatabase({ connectionString: url.href, schema: env.SCHEMA, max: 2 });
  await db.ready();
  return new PostgresRowBackend(db, true);
}

async function crash(): Promise<void> {
  const point = env.POINT as CrashPoint;
  let inner = await openBackend(point);
  let transport: Transport | undefined;
  if (point === 'before') {
    const real = nodeTransport();
    transport = {
      send: (request) => (request.url.pathname.endsWith('/oauth.v2.access') ? die() : real.send(request)),
      close: () => real.close(),
    };
  }
  const realFinish = inner.finishLease.bind(inner);
  if (point === 'answer') {
    inner = withWriteBack(inner, async (key, owner, write, now) => {
      if (write !== undefined) die();
      return realFinish(key, owner, write, now);
    });
  } else if (point === 'after') {
    inner = withWriteBack(inner, async (key, owner, write, now) => {
      const written = await realFinish(key, owner, write, now);
      if (write !== undefined) die();
      return written;
    });
  } else if (point === 'during' && env.KIND === 'postgres') {
    const { default: pg } = await import('pg');
    const watcher = new pg.Client({ connectionString: env.DB });
    await watcher.connect();
    inner = withWriteBack(inner, async (key, owner, write, now) => {
      const writing = realFinish(key, owner, write, now);
      if (write === undefined) return writing;
      let settled = false;
      writing.then(
        () => (settled = true),
        () => (settled = true),
      );
      for (;;) {
        if (settled) process.exit(4); // the update was never seen sleeping in the trigger
        const { rows } = await watcher.query(
          "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event = 'PgSleep'",
          [env.APP_NAME],
        );
        if (rows.length > 0) die(); // the update ran and its transaction is open, sleeping in the trigger
        await new Promise((r) => setTimeout(r, 5));
      }
    });
  }
  const store = new RowInstallationStore(inner, { keys: KeyRing.parse(env.SPEC as string) });
  const { clock } = clockAt(Number(env.NOW));
  const authority = new InstallationAuthority(store, {
    scopes: ['chat:write'],
    client: new WebClient(undefined, { slackApiUrl: env.API, retryHandlers: [], ...(transport ? { transport } : {}) }),
    cacheTtlMs: 0,
    clock,
    rotation: { clientId: env.CID as string, clientSecret: env.CSECRET as string },
  });
  await authority.authorize({ enterpriseId: null, teamId: env.TEAM as string, isEnterpriseInstall: false });
  process.exit(3); // never reached the kill point
}

async function recover(): Promise<void> {
  const inner = await openBackend(undefined);
  const time = clockAt(0);
  const store = new RowInstallationStore(inner, { keys: KeyRing.parse(env.SPEC as string), clock: time.clock });
  const warnings: RecoverAnswer['warnings'] = [];
  const needsReinstall: string[] = [];
  const logger = jsonLogger('warn', (line) => {
    const record = JSON.parse(line) as { teamId?: string; msg?: string };
    warnings.push({ teamId: record.teamId ?? '', msg: record.msg ?? '' });
  });
  const client = new WebClient(undefined, { slackApiUrl: env.API, retryHandlers: [], logger });
  const authorities = new Map<string, InstallationAuthority>();
  const authorityOf = (team: Team) => {
    let a = authorities.get(team.teamId);
    if (a === undefined) {
      a = new InstallationAuthority(store, {
        scopes: ['chat:write'],
        client,
        cacheTtlMs: 0,
        clock: time.clock,
        rotation: {
          clientId: team.clientId,
          clientSecret: team.clientSecret,
          onNeedsReinstall: (e) => void needsReinstall.push(e.teamId ?? ''),
        },
      });
      authorities.set(team.teamId, a);
    }
    return a;
  };
  process.on('message', async (raw) => {
    const request = raw as RecoverRequest | 'exit';
    if (request === 'exit') {
      await store.close();
      process.exit(0);
    }
    time.set(request.now);
    warnings.length = 0;
    needsReinstall.length = 0;
    const results = await Promise.all(
      request.teams.map(async (team) => {
        try {
          const auth = await authorityOf(team).authorize({
            enterpriseId: null,
            teamId: team.teamId,
            isEnterpriseInstall: false,
          });
          return { teamId: team.teamId, token: auth.botToken };
        } catch (err) {
          const e = err as { code?: string; cause?: unknown };
          if (env.CRASH_DEBUG) process.stderr.write(`${team.teamId}: ${String(e.code)} ${String(e.cause)}\n`);
          return { teamId: team.teamId, error: String(e.code ?? err) };
        }
      }),
    );
    const answer: RecoverAnswer = { results, warnings: [...warnings], needsReinstall: [...needsReinstall] };
    process.send?.(answer);
  });
  process.send?.('ready');
}

/**
 * refresh: a serve process under token rotation, for key-rotation.test.ts. Every token counts as due
 * (a margin longer than its life), so each authorize() refreshes; one loop per team, a call every
 * PAUSE_MS, until 'stop',
 * then answers { calls, errors }.
 */
async function refreshLoop(): Promise<void> {
  const store = new RowInstallationStore(await openBackend(undefined), { keys: KeyRing.parse(env.SPEC as string) });
  const authority = new InstallationAuthority(store, {
    scopes: ['chat:write'],
    client: new WebClient(undefined, { slackApiUrl: env.API, retryHandlers: [] }),
    cacheTtlMs: 0,
    rotation: {
      clientId: env.CID as string,
      clientSecret: env.CSECRET as string,
      marginMs: 48 * 3_600_000,
      jitterMs: 0,
    },
  });
  let stopped = false;
  let calls = 0;
  const errors: string[] = [];
  const loops = (env.TEAMS as string).split(',').map(async (teamId) => {
    while (!stopped) {
      try {
        await authority.authorize({ enterpriseId: null, teamId, isEnterpriseInstall: false });
        calls++;
        await new Promise((r) => setTimeout(r, Number(env.PAUSE_MS))); // a serve process's pace, not a flood
      } catch (err) {
        const e = err as { code?: string; cause?: unknown };
        errors.push(`${teamId}: ${String(e.code ?? err)} (${String(e.cause)})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  process.on('message', async () => {
    stopped = true;
    await Promise.all(loops);
    await store.close();
    process.send?.({ calls, errors }, () => process.exit(0));
  });
  process.send?.('ready');
}

if (process.argv[2] === 'crash') await crash();
else if (process.argv[2] === 'refresh') await refreshLoop();
else if (process.argv[2] === 'recover') await recover();
