// What a signed HTTP request from Slack is: an Events API envelope (JSON), an interaction (a form
// with one `payload` field holding JSON) or a slash command (a form of string fields). Slack lets
// one Request URL take all three, so the kind comes from the body, never from the path.
import type { Interaction, SlashCommand } from './dispatcher.js';

export type EventEnvelope = Record<string, unknown> & { type: string };

export type Inbound =
  | { kind: 'event'; body: EventEnvelope }
  | { kind: 'interaction'; body: Interaction }
  | { kind: 'command'; body: SlashCommand };

const obj = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const FORM = 'application/x-www-form-urlencoded';

/** Whether the media type (before any `;`, any case, spaces around it) is a form; no split per request. */
export function isForm(contentType: string | null): boolean {
  if (contentType === null) return false;
  const end = contentType.indexOf(';');
  const type = (end < 0 ? contentType : contentType.slice(0, end)).trim();
  return type.length === FORM.length && type.toLowerCase() === FORM;
}

/** Fields a slash command always carries; one missing means the form is not a command. */
const COMMAND_FIELDS = ['command', 'team_id', 'channel_id', 'user_id'] as const;

/** The parsed request, or undefined when it is none of the three (the handler answers 400). */
export function parseInbound(body: Uint8Array, contentType: string | null): Inbound | undefined {
  const text = utf8(body);
  if (!isForm(contentType)) {
    const parsed = obj(tryJson(text));
    return parsed !== undefined && typeof parsed.type === 'string'
      ? { kind: 'event', body: parsed as EventEnvelope }
      : undefined;
  }
  const form = new URLSearchParams(text);
  const payloads = form.getAll('payload');
  if (payloads.length > 0) {
    const parsed = payloads.length === 1 ? obj(tryJson(payloads[0] as string)) : undefined;
    return parsed !== undefined && typeof parsed.type === 'string'
      ? { kind: 'interaction', body: parsed as Interaction }
      : undefined;
  }
  // A repeated field is ambiguous (which one did Slack mean?): refused rather than guessed.
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of form) {
    if (name in fields) return undefined;
    fields[name] = value;
  }
  if (COMMAND_FIELDS.some((name) => typeof fields[name] !== 'string' || fields[name] === '')) return undefined;
  if (!fields.command?.startsWith('/')) return undefined;
  const command: SlashCommand = {
    text: '',
    response_url: '',
    trigger_id: '',
    ...fields,
  } as SlashCommand;
  return { kind: 'command', body: command };
}

/** The body as text, decoded in place (no copy of the bytes). */
export function utf8(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
