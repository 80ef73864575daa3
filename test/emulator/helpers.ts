// Small helpers for calling the emulator over real HTTP in tests.
import type { Emulator } from '../../src/emulator/index.js';

export interface ApiResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Calls a method the way most clients do: form-encoded, token in the Authorization header (none for null). */
export async function api(
  emu: Emulator,
  method: string,
  args: Record<string, string | number | boolean> = {},
  token: string | null = emu.tokens.bot,
): Promise<ApiResult> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(args)) form.set(k, String(v));
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${emu.apiUrl}${method}`, { method: 'POST', headers, body: form });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
}

/** Calls a method with a JSON body. */
export async function apiJson(
  emu: Emulator,
  method: string,
  args: Record<string, unknown>,
  token: string = emu.tokens.bot,
): Promise<ApiResult> {
  const res = await fetch(`${emu.apiUrl}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
    body: JSON.stringify(args),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

export async function control(
  emu: Emulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  // The control API takes only JSON for anything that changes state (see control/guard.ts).
  const init: RequestInit = { method };
  if (method !== 'GET' && method !== 'HEAD') init.headers = { 'content-type': 'application/json' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`${emu.url}_emulator/${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export function channelId(emu: Emulator, name: string): string {
  for (const channel of emu.state.channels.values()) {
    if (channel.name === name && channel.teamId === emu.workspace.teamId) return channel.id;
  }
  throw new Error(`no channel ${name}`);
}

export function userId(emu: Emulator, name: string): string {
  for (const user of emu.state.users.values()) {
    if (user.name === name && user.teamId === emu.workspace.teamId) return user.id;
  }
  throw new Error(`no user ${name}`);
}
