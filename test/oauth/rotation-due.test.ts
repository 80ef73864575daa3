// When a rotating token is due: exactly once it is within its own margin (the base margin plus a
// jitter fixed per installation), with the shortcut that skips hashing far from expiry agreeing at
// the boundary for every row.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '../../src/http/clock.js';
import { Rotator } from '../../src/oauth/rotation.js';
import type { Credentials, Installation, RotatingInstallationStore } from '../../src/oauth/types.js';
import { WebClient } from '../../src/web/client.js';

const MARGIN = 5 * 60_000;
const JITTER = 5 * 60_000;

test('rotation: a token is due from expiresAt minus its own margin on, for rows whose jitter spans the whole range', () => {
  const clock: Clock = { now: () => 1_000_000_000_000, scale: 1 };
  // due() reads neither the store nor the client: a refresh would, and none is made here.
  const rotator = new Rotator(
    {} as RotatingInstallationStore,
    new WebClient(undefined, { slackApiUrl: 'http://127.0.0.1:9/api/' }),
    { clientId: 'c', clientSecret: 's', marginMs: MARGIN, jitterMs: JITTER },
    clock,
  );
  const extras = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const query = { enterpriseId: null, teamId: `T${i}`, isEnterpriseInstall: false };
    const margin = rotator.marginFor(query);
    assert.ok(margin >= MARGIN && margin < MARGIN + JITTER, `T${i}: margin ${margin} within [margin, margin + jitter)`);
    extras.add(Math.floor(((margin - MARGIN) / JITTER) * 4));
    const expiresAt = clock.now() + MARGIN + JITTER + 60_000;
    const creds: Credentials = { token: 'xoxe.xoxb-canary', refreshToken: 'xoxe-1-canary', expiresAt };
    const boundary = expiresAt - margin;
    assert.equal(rotator.due(creds, query, undefined, boundary - 1), false, `T${i}: 1 ms before its margin`);
    assert.equal(rotator.due(creds, query, undefined, boundary), true, `T${i}: at its margin`);
    assert.equal(
      rotator.due(creds, query, undefined, expiresAt - MARGIN - JITTER),
      false,
      `T${i}: before the widest margin`,
    );
    const inst = { bot: creds, user: { id: 'U1', scopes: [] } } as unknown as Installation;
    assert.equal(rotator.anyDue(query, inst, boundary - 1 - clock.now()), false, `T${i}: anyDue before`);
    assert.equal(rotator.anyDue(query, inst, boundary - clock.now()), true, `T${i}: anyDue at`);
  }
  assert.equal(extras.size, 4, 'the rows tried have jitters in every quarter of the range');
  const noRefresh = { token: 'xoxb-canary', refreshToken: undefined, expiresAt: clock.now() };
  assert.equal(
    rotator.due(noRefresh, { enterpriseId: null, teamId: 'T1', isEnterpriseInstall: false }, undefined),
    false,
    'no refresh token: never due',
  );
});
