import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Emulator } from '../../src/emulator/index.js';
import { parseFilter } from '../../src/emulator/scim/filter.js';
import { filter, SCIMClient } from '../../src/scim/index.js';
import { scimEmulator } from './helpers.js';

const { and, eq, not, or, pr, sw } = filter;

/** 100 values written to break out of a filter string (quotes, escapes, operators, controls, unicode). */
function hostileValues(): string[] {
  const seeds = [
    '"',
    '\\',
    '\\"',
    '" or userName pr or userName eq "',
    '") or (userName pr',
    'x" or "1" eq "1',
    'x") or not (userName eq "y',
    '" and active eq true or userName sw "',
    '\\" or userName pr or \\"',
    '"" pr',
    'a\nb',
    'a\r\n" or userName pr',
    'tab\there',
    '\u0000',
    '\u2028" or userName pr',
    '\u{1F600}" or "',
    '%22 or userName pr',
    "' or 1=1 --",
    '*',
    '(',
    ')',
    ' or ',
    'and',
    'not (',
    `${'"'.repeat(50)}`,
  ];
  const wraps: [string, string][] = [
    ['', ''],
    ['pre', ''],
    ['', 'post'],
    ['\\', '\\'],
  ];
  const out: string[] = [];
  for (const [pre, post] of wraps) for (const seed of seeds) out.push(`${pre}${seed}${post}`);
  return out;
}

describe('SCIM filter builder', () => {
  it('writes values as JSON strings and attribute paths only', () => {
    assert.equal(eq('userName', 'ada').toString(), 'userName eq "ada"');
    assert.equal(eq('userName', 'a"b\\c').toString(), 'userName eq "a\\"b\\\\c"');
    assert.equal(eq('active', true).toString(), 'active eq true');
    assert.equal(
      or(eq('userName', 'a'), and(sw('emails.value', 'b'), pr('title'))).toString(),
      '(userName eq "a") or ((emails.value sw "b") and (title pr))',
    );
    assert.equal(not(eq('userName', 'a')).toString(), 'not (userName eq "a")');
    for (const bad of ['userName eq "x" or id', 'a b', '', '1abc', 'x"', 'name.', 'a.b.c']) {
      assert.throws(() => eq(bad, 'v'), { code: 'slack_invalid_argument' }, bad);
    }
    assert.throws(() => eq('count', Number.NaN), { code: 'slack_invalid_argument' });
    assert.throws(() => and(), { code: 'slack_invalid_argument' });
    assert.throws(() => and('userName pr' as unknown as filter.SCIMFilter), { code: 'slack_invalid_argument' });
  });

  it('100 hostile values change no filter: each parses back to the one comparison that was built', () => {
    const values = hostileValues();
    assert.equal(values.length, 100);
    let changed = 0;
    for (const value of values) {
      const single = parseFilter(eq('displayName', value).toString());
      const combined = parseFilter(and(eq('userName', 'member'), eq('displayName', value)).toString());
      const expected = { kind: 'cmp', attr: 'displayName', op: 'eq', value };
      const same =
        JSON.stringify(single) === JSON.stringify(expected) &&
        JSON.stringify(combined) ===
          JSON.stringify({
            kind: 'and',
            left: { kind: 'cmp', attr: 'userName', op: 'eq', value: 'member' },
            right: expected,
          });
      if (!same) changed++;
    }
    assert.equal(changed, 0);
  });
});

describe('SCIM filter injection against the emulator', () => {
  let emu: Emulator;
  let scim: SCIMClient;
  before(async () => {
    emu = await scimEmulator();
    scim = new SCIMClient(emu.tokens.admin, { baseUrl: emu.scimUrl, rateLimits: false });
  });
  after(async () => {
    scim.close();
    await emu.close();
  });

  it('100 hostile values: a userName filter finds no one, a displayName filter finds exactly its user', async () => {
    const all = await scim.users.search();
    assert.ok(all.totalResults >= 2);
    const target = all.Resources[0];
    assert.ok(target !== undefined);
    let widened = 0;
    for (const value of hostileValues()) {
      const byName = await scim.users.search({ filter: eq('userName', value) });
      if (byName.totalResults !== 0) widened++;
      await scim.users.patch(target.id, { displayName: value });
      const byDisplay = await scim.users.search({ filter: eq('displayName', value) });
      if (byDisplay.totalResults !== 1 || byDisplay.Resources[0]?.id !== target.id) widened++;
    }
    assert.equal(widened, 0);
  });

  it('a hand-written filter string is sent as it is (the caller owns it)', async () => {
    const everyone = await scim.users.search({ filter: 'userName pr' });
    const all = await scim.users.search();
    assert.equal(everyone.totalResults, all.totalResults);
  });
});
