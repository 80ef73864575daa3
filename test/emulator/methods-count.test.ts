// How many catalog methods have real semantics and how many answer samples, checked against the README,
// and that sampled methods still check auth, token type, scopes and required arguments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Emulator, emulatorMethods, startEmulator } from '../../src/emulator/index.js';
import { api } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function counts(): { live: number; modelled: number; sampled: number; retired: number } {
  // The one method registry: every catalog method, with whether a handler models it.
  const all = emulatorMethods();
  const live = all.filter((m) => m.status !== 'retired');
  const modelled = live.filter((m) => m.modelled);
  return {
    live: live.length,
    modelled: modelled.length,
    sampled: live.length - modelled.length,
    retired: all.length - live.length,
  };
}

describe('emulator: modelled vs sampled methods', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });

  it('the README states the counts the registry and catalog give', () => {
    const { live, modelled, sampled, retired } = counts();
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    assert.match(readme, new RegExp(`of the ${live} Web API methods in the catalog`));
    assert.match(readme, new RegExp(`\\*\\*${modelled} have real semantics\\*\\*`));
    assert.match(readme, new RegExp(`\\*\\*${sampled} answer a recorded sample\\*\\*`));
    assert.match(readme, new RegExp(`The ${retired} retired methods answer`));
  });

  it('a sampled method still checks the token, its type, scopes and required arguments', async () => {
    assert.equal(emulatorMethods().find((m) => m.name === 'calls.add')?.modelled, false, 'calls.add is sampled');
    const args = { external_unique_id: 'x', join_url: 'https://call.test/x' };
    assert.equal((await api(emu, 'calls.add', args, null)).body.error, 'not_authed');
    assert.equal((await api(emu, 'calls.add', args, 'not-a-token')).body.error, 'invalid_auth');
    assert.equal((await api(emu, 'calls.add', args)).body.error, 'missing_scope');
    const caller = emu.issueToken({ type: 'bot', scopes: ['calls:write'] });
    const missing = await api(emu, 'calls.add', { join_url: 'https://call.test/x' }, caller);
    assert.equal(missing.body.error, 'invalid_arguments');
    assert.equal((await api(emu, 'calls.add', args, caller)).body.ok, true);
    const reminders = await api(emu, 'reminders.list', {}, emu.tokens.bot);
    assert.equal(reminders.body.error, 'not_allowed_token_type');
  });
});
