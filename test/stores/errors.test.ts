// One error family: what the store, crypto and oauth doors throw extends SlacklineError, with a stable
// code from an exported constant, and a wrapped cause kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SealError, SealErrorCode } from '../../src/crypto/index.js';
import { InvalidArgumentError, SlacklineError } from '../../src/http/errors.js';
import * as oauth from '../../src/oauth/index.js';
import { openStores, postgresOptions } from '../../src/server/stores.js';
import { loadDriver } from '../../src/stores/driver.js';
import * as postgres from '../../src/stores/postgres/index.js';
import * as redis from '../../src/stores/redis/index.js';
import * as sqlite from '../../src/stores/sqlite/index.js';

test('every store door exports DriverMissingError, LeaseTimeoutError and StoreErrorCode (one class each)', () => {
  for (const door of [sqlite, postgres, redis, oauth]) {
    assert.equal(door.DriverMissingError, sqlite.DriverMissingError);
    assert.equal(door.LeaseTimeoutError, sqlite.LeaseTimeoutError);
    assert.equal(door.StoreUnreachableError, sqlite.StoreUnreachableError);
    assert.deepEqual(door.StoreErrorCode, {
      DriverMissing: 'slackline_driver_missing',
      LeaseTimeout: 'slackline_lease_timeout',
      Unreachable: 'slackline_store_unreachable',
    });
  }
  const err = (() => {
    try {
      loadDriver('slackline-no-such-driver', '1.x');
    } catch (e) {
      return e;
    }
  })();
  assert.ok(err instanceof sqlite.DriverMissingError && err instanceof SlacklineError, String(err));
  assert.equal(err.code, sqlite.StoreErrorCode.DriverMissing);
  assert.match(err.message, /npm install slackline-no-such-driver@1\.x/);
  assert.equal((err.cause as { code?: string }).code, 'MODULE_NOT_FOUND');
});

test('oauth and crypto errors share the base and export their codes', () => {
  assert.deepEqual(oauth.OAuthErrorCode, {
    NeedsReinstall: 'slackline_needs_reinstall',
    NoInstallation: 'slackline_no_installation',
    RefreshRejected: 'slackline_refresh_rejected',
    RefreshFailed: 'slackline_refresh_failed',
    StateStoreFull: 'slackline_state_store_full',
  });
  assert.equal(oauth.SealErrorCode, SealErrorCode);
  const none = new oauth.AuthorizationError();
  assert.ok(none instanceof SlacklineError);
  assert.equal(none.code, oauth.OAuthErrorCode.NoInstallation);
  assert.equal(none.name, 'AuthorizationError');
  const full = new oauth.StateStoreFullError(3);
  assert.ok(full instanceof SlacklineError);
  assert.equal(full.code, oauth.OAuthErrorCode.StateStoreFull);
  const cause = new Error('socket hang up');
  const refresh = new oauth.TokenRefreshError(oauth.OAuthErrorCode.RefreshFailed, null, 'T1', cause);
  assert.ok(refresh instanceof SlacklineError);
  assert.equal(refresh.cause, cause);
  const sealed = new SealError(SealErrorCode.Corrupt, 'x', cause);
  assert.ok(sealed instanceof SlacklineError);
  assert.equal(sealed.cause, cause);
});

test('openStores: bad configuration is InvalidArgumentError; an unreachable Redis keeps its cause', async () => {
  await assert.rejects(openStores({ SLACKLINE_DATABASE_URL: 'mysql://x' }), InvalidArgumentError);
  await assert.rejects(openStores({ SLACKLINE_DATABASE_URL: 'postgres://x/y' }), InvalidArgumentError); // no keys
  assert.throws(() => postgresOptions('postgres://x/y', { SLACKLINE_DATABASE_PREPARED: 'no' }), InvalidArgumentError);
  assert.deepEqual(postgresOptions('postgres://x/y', { SLACKLINE_DATABASE_PREPARED: 'false' }), {
    connectionString: 'postgres://x/y',
    preparedStatements: false,
  });
  assert.deepEqual(postgresOptions('postgres://x/y', { SLACKLINE_DATABASE_SCHEMA: 'app' }), {
    connectionString: 'postgres://x/y',
    schema: 'app',
  });
  await assert.rejects(
    openStores({ SLACKLINE_DATABASE_URL: 'memory:', SLACKLINE_STATE_URL: 'http://x' }),
    InvalidArgumentError,
  );
  const err = await openStores({ SLACKLINE_DATABASE_URL: 'memory:', SLACKLINE_STATE_URL: 'redis://127.0.0.1:1' }).catch(
    (e: unknown) => e,
  );
  assert.ok(err instanceof sqlite.StoreUnreachableError, String(err));
  assert.equal(err.code, sqlite.StoreErrorCode.Unreachable);
  assert.ok(err.cause instanceof Error);
});

test('bad caller input is InvalidArgumentError, not a bare TypeError', async () => {
  assert.throws(
    () => oauth.authorizeUrl({ clientId: 'c', scopes: [], state: 's', authorizeUrl: 'ftp://x/' }),
    InvalidArgumentError,
  );
  assert.throws(() => new oauth.StateCookie(new URL('http://example.com/cb')), InvalidArgumentError);
  assert.throws(
    () => new postgres.PostgresDatabase({ connectionString: 'postgres://x', schema: 'Bad-Name' }),
    InvalidArgumentError,
  );
  const store = new oauth.MemoryInstallationStore();
  await assert.rejects(store.list({ cursor: 'not-a-cursor' }), InvalidArgumentError);
  await assert.rejects(
    store.save({
      ...({} as oauth.NewInstallation),
      enterpriseId: null,
      teamId: null,
      isEnterpriseInstall: false,
      user: { id: 'U', token: undefined, scopes: [], refreshToken: undefined, expiresAt: undefined },
      bot: undefined,
    }),
    InvalidArgumentError,
  );
  assert.throws(
    () => oauth.installationFromOAuth({ ok: true }),
    (e: unknown) => e instanceof SlacklineError && e.code === 'slack_invalid_response',
  );
});
