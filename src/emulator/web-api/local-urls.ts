// Every URL in an answer leads to the emulator, never off the machine: a client that follows a file URL,
// a permalink or a WebSocket URL reaches the emulator (a path it does not serve yet answers 404 there).
// Recorded samples are rewritten whole (they are Slack's data); modelled answers only where they name
// Slack's own hosts, and never inside message content, which is the user's.
import type { Json, JsonObject } from '../model/json.js';

const URL_IN_TEXT = /\b(https?|wss?):\/\/([^\s/?#"'<>|\\]*)/gi;
const SLACK_HOST = /(^|\.)(slack\.com|slack-edge\.com|slack-files\.com|slack-redir\.net|slackb\.com|slack-msgs\.com)$/i;
/** Keys whose values are what users posted: kept as posted. */
const USER_CONTENT = new Set(['text', 'blocks', 'attachments', 'previous_message']);

function rewrite(text: string, base: URL, all: boolean): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (whole, scheme: string, host: string) => {
    if (host.toLowerCase() === base.host.toLowerCase()) return whole;
    if (!all && !SLACK_HOST.test(host.replace(/:\d+$/, ''))) return whole;
    const ws = scheme.toLowerCase().startsWith('ws');
    return `${ws ? 'ws:' : base.protocol}//${base.host}`;
  });
}

function walk(value: Json, base: URL, all: boolean): Json {
  if (typeof value === 'string') return rewrite(value, base, all);
  if (Array.isArray(value)) return value.map((v) => walk(v, base, all));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = v === undefined || (!all && USER_CONTENT.has(key)) ? v : walk(v, base, all);
  }
  return out;
}

/** `all`: every foreign host (recorded samples); otherwise only Slack's hosts (modelled answers). */
export function localizeUrls(answer: JsonObject, baseUrl: string, all: boolean): JsonObject {
  return walk(answer, new URL(baseUrl), all) as JsonObject;
}
