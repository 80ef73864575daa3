// Opening the configured stores: SLACKLINE_DATABASE_URL picks the database (sqlite:./slackline.db
// by default, postgres://... for many processes, memory: for throwaway runs) and
// SLACKLINE_ENCRYPTION_KEYS the sealing keys. SLACKLINE_STATE_URL=redis://... moves OAuth states and
// event de-duplication to Redis (installations stay in the database). Drivers are imported only
// when their URL is used.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { KeyRing } from '../crypto/index.js';
import type { EventDedupeStore } from '../events/dedupe.js';
import { MemoryDedupeStore } from '../events/memory-dedupe.js';
import { InvalidArgumentError } from '../http/errors.js';
import { type Logger, silentLogger } from '../http/logger.js';
import { StoreUnreachableError } from '../oauth/errors.js';
import { MemoryInstallationStore } from '../oauth/memory-store.js';
import type { RowInstallationStore } from '../oauth/row-store.js';
import { MemoryStateStore } from '../oauth/state.js';
import type { StateStore } from '../oauth/types.js';
import type { PostgresOptions } from '../stores/postgres/index.js';

export const DEFAULT_DATABASE_URL = 'sqlite:./slackline.db';

export interface OpenStores {
  installations: RowInstallationStore;
  states: StateStore;
  /** Event ids already taken, shared like the states (processes on one database or Redis agree). */
  dedupe: EventDedupeStore;
  /** What was opened, without credentials, for the startup banner. */
  description: string;
  /**
   * True for `memory:`: nothing outlives the process and OAuth states live in it (bounded: when full of
   * live states, new installs are refused with StateStoreFullError), so it is for development only.
   */
  development: boolean;
  /** The key id new values are sealed with. */
  keyId: string;
  /** Set when the key was generated into a file next to the database (the embedded default). */
  keyFile: string | undefined;
  close(): Promise<void>;
}

/**
 * Keys: SLACKLINE_ENCRYPTION_KEYS when set. Otherwise, for a SQLite file only (the one-machine
 * default of `npm start`), a key generated once into `<database>.key` (mode 0600) beside it, so a
 * copied database alone does not reveal tokens; memory stores use a random key; PostgreSQL refuses
 * to start without keys, because every process must share them. A key file is only ever made together
 * with its database: a database that exists without its key file (copied or moved alone) holds tokens
 * no new key can open, so that is an error naming the file, never a fresh useless key.
 */
function keysFor(kind: 'sqlite' | 'postgres' | 'memory', path: string, env: NodeJS.ProcessEnv, create: boolean) {
  const spec = env.SLACKLINE_ENCRYPTION_KEYS;
  if (spec !== undefined && spec !== '') return { keys: KeyRing.parse(spec), keyFile: undefined };
  if (kind === 'postgres') {
    throw new InvalidArgumentError(
      'SLACKLINE_ENCRYPTION_KEYS is required with PostgreSQL (every process must share the key); `slackline keys generate` makes one',
    );
  }
  if (kind === 'memory' || path === ':memory:')
    return { keys: KeyRing.parse(KeyRing.generateSpec('mem')), keyFile: undefined };
  const keyFile = `${path}.key`;
  if (!existsSync(keyFile)) {
    // Checked again after the database: a process creating both makes the key first, so a database
    // seen here whose key is still absent really lost it (and was not just made by a racing process).
    if (existsSync(path) && !existsSync(keyFile)) {
      throw new InvalidArgumentError(
        `the key file ${keyFile} is missing: the tokens in ${path} were sealed with it. Copy it back next to the database (it moves with it), or set SLACKLINE_ENCRYPTION_KEYS to the key it held`,
      );
    }
    if (!create) throw storeMissing(path);
    createKeyFileOnce(keyFile);
  }
  chmodSync(keyFile, 0o600);
  return { keys: KeyRing.parse(readFileSync(keyFile, 'utf8').trim()), keyFile };
}

/** A command that may not create the database (it only reads, or changes what exists) found none. */
function storeMissing(path: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `no database at ${path} (SQLite; SLACKLINE_DATABASE_URL, default ${DEFAULT_DATABASE_URL}): nothing is installed there. Run this in the folder where \`slackline dev\` or \`slackline serve\` ran, or set SLACKLINE_DATABASE_URL`,
  );
}

/**
 * Creates `<database>.key` unless it exists, atomically: the key is written whole to a private temp
 * file which is then hard-linked into place. Of processes starting together on a fresh database
 * exactly one link succeeds, the others see EEXIST and read the winner's complete file, so every
 * process ends up with the same key (a plain exclusive create left a loser failing, or reading a
 * half-written file).
 */
function createKeyFileOnce(keyFile: string): void {
  if (existsSync(keyFile)) return;
  const temp = `${keyFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${KeyRing.generateSpec('local')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, keyFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
}

export interface OpenStoresOptions {
  /** Where driver errors go (a lost Redis connection, say); default silent. */
  logger?: Logger;
  /**
   * Whether a missing SQLite database (and its key file) may be created: true for `serve` and `dev`
   * (the default); the CLI's other commands pass false, so they create no file and fail with an
   * InvalidArgumentError naming the path they looked at.
   */
  create?: boolean;
}

/**
 * PostgreSQL's options from the environment: SLACKLINE_DATABASE_SCHEMA, and
 * SLACKLINE_DATABASE_PREPARED=false behind a pooler in transaction mode that cannot keep prepared
 * statements (pgbouncer before 1.21).
 */
export function postgresOptions(url: string, env: NodeJS.ProcessEnv): PostgresOptions {
  const schema = env.SLACKLINE_DATABASE_SCHEMA || undefined;
  const prepared = env.SLACKLINE_DATABASE_PREPARED || undefined;
  if (prepared !== undefined && prepared !== 'true' && prepared !== 'false') {
    throw new InvalidArgumentError('SLACKLINE_DATABASE_PREPARED must be true or false');
  }
  return {
    connectionString: url,
    ...(schema === undefined ? {} : { schema }),
    ...(prepared === undefined ? {} : { preparedStatements: prepared === 'true' }),
  };
}

export async function openStores(
  env: NodeJS.ProcessEnv = process.env,
  options: OpenStoresOptions = {},
): Promise<OpenStores> {
  const stateUrl = env.SLACKLINE_STATE_URL || undefined;
  if (stateUrl !== undefined && !/^rediss?:\/\//.test(stateUrl)) {
    throw new InvalidArgumentError('SLACKLINE_STATE_URL must start with redis:// or rediss://');
  }
  const prefix = prefixOf(env);
  const stores = await openDatabase(env, options.create ?? true);
  return stateUrl === undefined ? stores : withRedis(stores, stateUrl, prefix, options.logger ?? silentLogger);
}

/** SLACKLINE_REDIS_PREFIX (default `slackline:`) keeps apps or environments on one Redis apart. */
function prefixOf(env: NodeJS.ProcessEnv): string {
  const prefix = env.SLACKLINE_REDIS_PREFIX || 'slackline:';
  if (!/^[\w:.-]{1,100}$/.test(prefix)) {
    throw new InvalidArgumentError('SLACKLINE_REDIS_PREFIX may hold letters, digits and _:.-');
  }
  return prefix;
}

async function withRedis(stores: OpenStores, url: string, prefix: string, logger: Logger): Promise<OpenStores> {
  const { loadDriver } = await import('../stores/driver.js');
  const { RedisDedupeStore, RedisStateStore } = await import('../stores/redis/index.js');
  let connected = false;
  const client = loadDriver<typeof import('redis')>('redis', '6.x').createClient({
    url,
    // Refuse to start when Redis cannot be reached; once up, reconnect (commands wait meanwhile).
    socket: {
      connectTimeout: 5_000,
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(100 * 2 ** retries, 3_000) : cause),
    },
  });
  // The client reconnects by itself; each error is still worth a line (commands wait meanwhile).
  client.on('error', (error: unknown) => {
    if (connected) logger.warn({ reason: 'redis_error', host: new URL(url).host, error }, 'Redis connection error');
  });
  try {
    await client.connect();
    connected = true;
  } catch (err) {
    await stores.close();
    throw new StoreUnreachableError(
      `SLACKLINE_STATE_URL: Redis at ${new URL(url).host} is not reachable (${(err as Error).message})`,
      err,
    );
  }
  return {
    ...stores,
    states: new RedisStateStore(client, { prefix: `${prefix}state:` }),
    dedupe: new RedisDedupeStore(client, { prefix: `${prefix}event:` }),
    description: `${stores.description}; states and event ids in Redis ${new URL(url).host} under ${prefix}`,
    close: async () => {
      await client.close();
      await stores.close();
    },
  };
}

async function openDatabase(env: NodeJS.ProcessEnv, create: boolean): Promise<OpenStores> {
  const url = env.SLACKLINE_DATABASE_URL || DEFAULT_DATABASE_URL;
  if (url === 'memory:') {
    const { keys } = keysFor('memory', '', env, create);
    return {
      installations: new MemoryInstallationStore({ keys }),
      states: new MemoryStateStore(),
      dedupe: new MemoryDedupeStore(),
      description: 'memory (nothing is kept after exit)',
      development: true,
      keyId: keys.currentKeyId,
      keyFile: undefined,
      close: async () => {},
    };
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length) || DEFAULT_DATABASE_URL.slice('sqlite:'.length);
    // The driver first: without better-sqlite3 nothing (no key file, no database) is created.
    const { loadDriver } = await import('../stores/driver.js');
    loadDriver('better-sqlite3', '12.x');
    const sqlite = await import('../stores/sqlite/index.js');
    if (!create && path !== ':memory:' && !existsSync(path)) throw storeMissing(path);
    const { keys, keyFile } = keysFor('sqlite', path, env, create);
    const db = sqlite.openSqlite(path);
    // A file: de-dup on a connection of its own, without an fsync per event (see SqliteDedupeStore);
    // installations and states keep the fully synchronous one. ':memory:' is one connection's database.
    const dedupe = new sqlite.SqliteDedupeStore(path === ':memory:' ? db : path);
    return {
      installations: new sqlite.SqliteInstallationStore(db, { keys }),
      states: new sqlite.SqliteStateStore(db),
      dedupe,
      description: `SQLite ${path}`,
      development: path === ':memory:',
      keyId: keys.currentKeyId,
      keyFile,
      close: async () => {
        await dedupe.close();
        db.close();
      },
    };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { keys } = keysFor('postgres', '', env, create);
    const postgres = await import('../stores/postgres/index.js');
    const options = postgresOptions(url, env);
    const { schema } = options;
    const db = new postgres.PostgresDatabase(options);
    await db.ready();
    const host = new URL(url).host;
    return {
      installations: new postgres.PostgresInstallationStore(db, { keys }),
      states: new postgres.PostgresStateStore(db),
      dedupe: new postgres.PostgresDedupeStore(db),
      keyId: keys.currentKeyId,
      description: `PostgreSQL ${host}${schema === undefined ? '' : ` schema ${schema}`}`,
      development: false,
      keyFile: undefined,
      close: () => db.close(),
    };
  }
  throw new InvalidArgumentError(
    'SLACKLINE_DATABASE_URL must start with sqlite:, postgres://, postgresql:// or be memory:',
  );
}
