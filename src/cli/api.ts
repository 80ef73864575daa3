// `slackline api <method> key=value ...`: call any Web API method and print Slack's JSON answer.
// The token comes from the environment only (SLACK_BOT_TOKEN, or the variable --token-env names),
// never from the command line, where it would land in shell history and process listings.
import { parseArgs } from 'node:util';
import { HTTPError, PlatformError, SlacklineError } from '../http/errors.js';
import { openStores } from '../server/stores.js';
import { WebClient } from '../web/client.js';
import { METHODS } from '../web/methods.generated.js';
import { queryFor } from './installations.js';
import { closest, parseArgsMessage } from './suggest.js';

const HELP = `usage: slackline api <method> [key=value ...] [--json '{...}'] [--token-env NAME] [--team T...] [--api-url URL]

  key=value        one argument; a value that is JSON (an object, array, number, true/false) is parsed
  --json '{...}'   arguments as one JSON object (merged under key=value pairs)
  --token-env NAME the environment variable holding the token (default SLACK_BOT_TOKEN)
  --team T...      use the stored bot token of this workspace (E...: an org-wide install), from
                   SLACKLINE_DATABASE_URL and SLACKLINE_ENCRYPTION_KEYS
  --api-url URL    the Web API base URL (default $SLACK_API_URL or https://slack.com/api/)
Prints the JSON response. Exits 1 when Slack answers ok:false (the error code goes to stderr), 2 on a
bad command line (a method name that looks like a typo of a known one, no token, a bad flag).
`;

/** Methods Slack answers without a token (they take client credentials, or nothing). */
const NO_TOKEN = /^(?:api\.test|oauth\.[A-Za-z0-9.]+|openid\.connect\.token)$/;
/** A method name we may repeat back in a message (anything else could be a pasted secret). */
const ECHOABLE = /^[A-Za-z0-9._]{1,100}$/;

function parseValue(raw: string): unknown {
  if (/^(?:[[{]|-?\d|true$|false$|null$)/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      // Not JSON: keep the text.
    }
  }
  return raw;
}

class UsageError extends Error {}

/** The stored bot token of a team, or null (after saying why) when there is none. */
async function storedToken(team: string): Promise<string | null> {
  const query = queryFor(team);
  if (query === undefined) {
    process.stderr.write('slackline api: --team takes a team id (T...) or an enterprise id (E...)\n');
    return null;
  }
  const stores = await openStores(process.env, { create: false });
  try {
    const inst = await stores.installations.findBot(query);
    if (inst?.bot === undefined) {
      process.stderr.write(`slackline api: no stored installation for ${team} in ${stores.description}\n`);
    }
    return inst?.bot?.token ?? null;
  } finally {
    await stores.close();
  }
}

export async function apiCommand(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    // Bad command lines get one clear line and exit code 2, never a stack trace.
    const parseMessage = parseArgsMessage(err, 'api');
    if (!(err instanceof UsageError) && parseMessage === undefined) throw err;
    process.stderr.write(`slackline api: ${parseMessage ?? (err as Error).message}\n`);
    return 2;
  }
}

function parseJsonArgs(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError('--json is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('--json must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'string' },
      'token-env': { type: 'string' },
      'api-url': { type: 'string' },
      team: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [method, ...pairs] = positionals;
  if (values.help || method === undefined) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  const args: Record<string, unknown> = {};
  if (values.json !== undefined) Object.assign(args, parseJsonArgs(values.json));
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    // The pair is not echoed: it could be a secret typed in the wrong place.
    if (eq <= 0) throw new UsageError('expected key=value arguments after the method');
    args[pair.slice(0, eq)] = parseValue(pair.slice(eq + 1));
  }
  if ('token' in args) {
    throw new UsageError('pass the token through the environment (--token-env), not as an argument');
  }
  checkMethod(method);
  const apiUrl = apiUrlOf(values['api-url']);
  const tokenEnv = values['token-env'] ?? 'SLACK_BOT_TOKEN';
  const token = values.team === undefined ? process.env[tokenEnv] || undefined : await storedToken(values.team);
  if (token === null) return 1;
  if (token === undefined && !NO_TOKEN.test(method)) {
    throw new UsageError(
      `no token: set ${tokenEnv}${values['token-env'] === undefined ? ' (or name another variable with --token-env)' : ''}, or use --team T... for a stored installation`,
    );
  }
  const client = new WebClient(token, { slackApiUrl: apiUrl });
  try {
    // Printed through the client's redactor, as its log lines are: a token in an answer
    // (oauth.v2.access), a webhook URL in a message's text, never reach the terminal.
    const result = await client.apiCall(method, args);
    process.stdout.write(`${JSON.stringify(client.core.redactor.value(result), null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof PlatformError) {
      process.stdout.write(`${JSON.stringify(client.core.redactor.value(err.data), null, 2)}\n`);
      process.stderr.write(`${err.error}\n`);
      if (err.error === 'not_found') process.stderr.write(urlHint(apiUrl));
      return 1;
    }
    if (err instanceof SlacklineError) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      if (err instanceof HTTPError && err.status === 404) process.stderr.write(urlHint(apiUrl));
      return 1;
    }
    throw err;
  } finally {
    client.core.close();
  }
}

/** Refuses a method name that is not in Slack's catalog but is one typo away from a name that is. */
function checkMethod(method: string): void {
  if (Object.hasOwn(METHODS, method)) return;
  const hit = closest(method, Object.keys(METHODS));
  if (hit === undefined) return; // Not a typo of anything known: maybe newer than our catalog; let Slack answer.
  const named = ECHOABLE.test(method) ? `'${method}'` : 'that method';
  throw new UsageError(`unknown method ${named}: did you mean '${hit}'?`);
}

/** Why a path may not exist: a base URL without Slack's `/api/` (the usual slip with the emulator). */
function urlHint(apiUrl: string | undefined): string {
  if (apiUrl === undefined || new URL(apiUrl).pathname.endsWith('/api/')) return '';
  return 'hint: the Web API base URL ends in /api/ (like https://slack.com/api/ or http://127.0.0.1:3001/api/)\n';
}

/** --api-url, else $SLACK_API_URL, checked to be an http(s) URL (the client's default otherwise). */
function apiUrlOf(flag: string | undefined): string | undefined {
  const raw = flag ?? (process.env.SLACK_API_URL || undefined);
  if (raw === undefined) return undefined;
  const source = flag === undefined ? 'SLACK_API_URL' : '--api-url';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${source} is not a URL (expected something like https://slack.com/api/)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${source} must be an http(s) URL (like https://slack.com/api/)`);
  }
  return raw;
}
