// Token rotation tests: a rotation-enabled emulator app, installs approved headlessly, stores of every
// kind over real files and servers, and clocks that move with the emulator's.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { KeyRing } from '../../src/crypto/index.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';
import { type Clock, systemClock } from '../../src/http/clock.js';
import { InstallationAuthority } from '../../src/oauth/authorize.js';
import { installationFromOAuth } from '../../src/oauth/from-oauth.js';
import { MemoryInstallationStore } from '../../src/oauth/memory-store.js';
import type { RowInstallationStore } from '../../src/oauth/row-store.js';
import { PostgresDatabase, PostgresInstallationStore } from '../../src/stores/postgres/index.js';
import { openSqlite, SqliteInstallationStore } from '../../src/stores/sqlite/index.js';
import { WebClient } from '../../src/web/client.js';
import { needService, serviceUrl } from '../helpers/services.js';

export const TWELVE_HOURS = 43_200_000;
export const pgUrl = serviceUrl('postgres');
const dir = mkdtempSync(join(tmpdir(), 'slackline-rotation-'));
let n = 0;

export interface OpenStore {
  store: RowInstallationStore;
  /** What another process needs to open the same store (env for the worker). */
  env: Record<string, string>;
  /** Refresh leases left in the database (0 for memory, which keeps them in the process). */
  leases(): Promise<number>;
  close(): Promise<void>;
}

export type Kind = 'memory' | 'sqlite' | 'postgres';

export async function openStore(kind: Kind, clock: Clock = systemClock): Promise<OpenStore> {
  const spec = KeyRing.generateSpec('rot');
  const keys = KeyRing.parse(spec);
  if (kind === 'memory') {
    const store = new MemoryInstallationStore({ keys, clock });
    return { store, env: {}, leases: async () => 0, close: () => store.close() };
  }
  if (kind === 'sqlite') {
    const path = join(dir, `rot-${n++}.sqlite`);
    const db = openSqlite(path);
    const store = new SqliteInstallationStore(db, { keys, clock });
    const leases = async () =>
      (db.prepare('SELECT COUNT(*) AS n FROM slackline_refresh_leases').get() as { n: number }).n;
    return { store, env: { KIND: kind, DB: path, SPEC: spec }, leases, close: async () => void db.close() };
  }
  const schema = `slackline_rot_${process.pid}_${n++}_${randomBytes(3).toString('hex')}`;
  const db = new PostgresDatabase({ connectionString: pgUrl ?? '', schema, max: 10 });
  const store = new PostgresInstallationStore(db, { keys, clock });
  return {
    store,
    env: { KIND: kind, DB: pgUrl ?? '', SCHEMA: schema, SPEC: spec },
    leases: async () =>
      Number((await db.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${schema}.slackline_refresh_leases`, []))[0]?.n),
    close: async () => {
      await db.query(`DROP SCHEMA ${schema} CASCADE`, []);
      await db.close();
    },
  };
}

/** Our clock, moved with the emulator's (token expiry is judged on both sides). */
export const clockOf = (emu: Emulator): Clock => ({ now: () => Date.now() + emu.state.clock.offsetMs, scale: 1 });

export function clientFor(emu: Emulator, slackApiUrl = emu.apiUrl): WebClient {
  return new WebClient(undefined, { slackApiUrl, retryHandlers: [] });
}

/** Installs the emulator's app into its workspace without a browser and saves the installation. */
export async function installInto(
  emu: Emulator,
  store: RowInstallationStore,
  userScope = '',
  /** Saved under this team id instead (another row, with a refresh token of its own). */
  asTeam?: string,
): Promise<string> {
  const url = new URL('oauth/v2/authorize', emu.url);
  url.searchParams.set('client_id', emu.clientId);
  url.searchParams.set('scope', 'chat:write');
  if (userScope !== '') url.searchParams.set('user_scope', userScope);
  const code = emu.install.approve(url.href).code ?? '';
  const answer = await clientFor(emu).oauth.v2.access({
    client_id: emu.clientId,
    client_secret: emu.clientSecret,
    code,
  });
  const inst = installationFromOAuth(answer as unknown as Record<string, unknown>, clockOf(emu));
  const saved = asTeam === undefined ? inst : { ...inst, teamId: asTeam };
  await store.save(saved);
  return saved.teamId ?? '';
}

export function authorityFor(
  emu: Emulator,
  store: RowInstallationStore,
  cacheTtlMs = 60_000,
  slackApiUrl = emu.apiUrl,
): InstallationAuthority {
  return new InstallationAuthority(store, {
    scopes: ['chat:write'],
    client: clientFor(emu, slackApiUrl),
    cacheTtlMs,
    clock: clockOf(emu),
    rotation: { clientId: emu.clientId, clientSecret: emu.clientSecret, marginMs: 5 * 60_000, jitterMs: 60_000 },
  });
}

/** Counts refresh exchanges the emulator answers from now on (all, or only ok / only failed ones). */
export function refreshCounter(emu: Emulator): (ok?: boolean) => number {
  const count = (ok?: boolean) =>
    emu.install.exchanges().filter((e) => e.grant_type === 'refresh_token' && (ok === undefined || e.ok === ok)).length;
  const base = { all: count(), ok: count(true), failed: count(false) };
  return (ok) => count(ok) - (ok === undefined ? base.all : ok ? base.ok : base.failed);
}

/** Moves the emulator's clock (and so ours) to `msBeforeExpiry` before a token issued at offset 0 expires. */
export function nearExpiry(emu: Emulator, msBeforeExpiry = 60_000): void {
  emu.state.clock.offsetMs = TWELVE_HOURS - msBeforeExpiry;
}

/** Uses a refresh token elsewhere (as a lost response would): a single-use token is then spent. */
export async function spendRefreshToken(emu: Emulator, refreshToken: string | undefined): Promise<void> {
  await clientFor(emu).oauth.v2.access({
    client_id: emu.clientId,
    client_secret: emu.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: refreshToken ?? '',
  });
}

/** What the tests of one store kind share: the emulator (rotation on) and a fresh store per test. */
export interface RotationSuite {
  emu: Emulator;
  open: OpenStore;
}

/**
 * One describe() per store kind (`${title}: ${kind} store`), each with a rotation-enabled emulator for
 * the suite and a fresh store (clock moved with the emulator's, back at 0) for every test; PostgreSQL
 * skips with the printed reason when its URL is not set.
 */
export function eachStoreKind(title: string, body: (suite: RotationSuite, kind: Kind) => void): void {
  for (const kind of ['memory', 'sqlite', 'postgres'] as Kind[]) {
    describe(`${title}: ${kind} store`, () => {
      if (kind === 'postgres' && pgUrl === undefined) {
        it(`${title} on postgres`, async (t) => void (await needService(t, 'postgres')));
        return;
      }
      const suite = {} as RotationSuite;
      before(async () => {
        suite.emu = await startEmulator({ app: { tokenRotation: true } });
      });
      after(async () => {
        await suite.open?.close();
        await suite.emu.close();
      });
      beforeEach(async () => {
        suite.emu.state.clock.offsetMs = 0;
        await suite.open?.close();
        suite.open = await openStore(kind, clockOf(suite.emu));
      });
      body(suite, kind);
    });
  }
}
