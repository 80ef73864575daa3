// An emulator with its org admin token, and a users.list reader for the org's workspace.
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

export async function scimEmulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
  return startEmulator(options);
}

/** The org workspace behind `tokens.admin`. */
export function orgTeam(emu: Emulator): string {
  const token = emu.state.tokens.get(emu.tokens.admin);
  if (token === undefined) throw new Error('no admin token');
  return token.teamId;
}

/** users.list of the org workspace, with a reader token the emulator issues. */
export async function usersList(emu: Emulator): Promise<{ id: string; name: string; deleted: boolean }[]> {
  const reader = emu.issueToken({ type: 'user', team: orgTeam(emu), scopes: ['users:read'] });
  const res = await fetch(`${emu.apiUrl}users.list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${reader}` },
  });
  const body = (await res.json()) as { ok: boolean; members: { id: string; name: string; deleted: boolean }[] };
  if (!body.ok) throw new Error('users.list failed');
  return body.members;
}
