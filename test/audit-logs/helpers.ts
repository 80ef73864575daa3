// An emulator with two Enterprise Grid orgs, and an Acme admin token with auditlogs:read issued in it.
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

export interface AuditSetup {
  emu: Emulator;
  /** A user token of the org's admin with admin and auditlogs:read. */
  token: string;
  orgTeam: string;
}

export async function startAuditEmulator(): Promise<AuditSetup> {
  const emu = await startEmulator({ enterprises: [{ name: 'Acme' }, { name: 'Beta' }] });
  return { emu, ...orgToken(emu) };
}

/** Issues the org admin token again (after a reset the old one is gone). */
export function orgToken(emu: Emulator): { token: string; orgTeam: string } {
  const orgTeam = [...emu.state.teams.keys()].find((id) => id !== emu.workspace.teamId);
  if (orgTeam === undefined) throw new Error('no org workspace');
  const token = emu.issueToken({ type: 'user', scopes: ['admin', 'auditlogs:read'], team: orgTeam });
  return { token, orgTeam };
}

export async function generate(emu: Emulator, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${emu.url}_emulator/audit/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`generate: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
