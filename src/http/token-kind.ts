// Which kind of Slack credential a value is, by its prefix: for `slackline doctor` (does
// SLACK_BOT_TOKEN hold a bot token?) and its source scan. The prefixes are spelled in parts, so no
// token sits in this file. The redactor's patterns (redact.ts) cover the same families.

export type TokenKind =
  | 'bot'
  | 'user'
  | 'app-level'
  | 'workflow'
  | 'rotating'
  | 'refresh'
  | 'legacy-workspace'
  | 'legacy'
  | 'session';

const X = 'xox';
const FAMILIES: readonly (readonly [prefix: string, kind: TokenKind])[] = [
  [`${X}e.${X}`, 'rotating'],
  [`${X}e-`, 'refresh'],
  [`${X}b-`, 'bot'],
  [`${X}p-`, 'user'],
  [`${X}a-`, 'legacy-workspace'],
  [`${X}r-`, 'legacy-workspace'],
  [`${X}o-`, 'legacy'],
  [`${X}s-`, 'legacy'],
  [`${X}c-`, 'session'],
  [`${X}d-`, 'session'],
  ['xa' + 'pp-', 'app-level'],
  ['xw' + 'fp-', 'workflow'],
];

/** The kind of token `value` is, or undefined when it has no Slack token prefix. */
export function tokenKind(value: string): TokenKind | undefined {
  for (const [prefix, kind] of FAMILIES) if (value.startsWith(prefix)) return kind;
  return undefined;
}

/** A rotating token's inner kind: `xoxe.` + a bot prefix is a rotating bot token. */
export function rotatingInnerKind(value: string): TokenKind | undefined {
  return value.startsWith(`${X}e.`) ? tokenKind(value.slice(5)) : undefined;
}
