// `slackline api <method> key=value ...`: call any Web API method and print Slack's JSON answer.
// The token comes from the environment only (SLACK_BOT_TOKEN, or the variable --token-env names),
// never from the command line, where it would land in shell history and process listings.
import { parseArgs } from 'node:util';
import { PlatformError, SlacklineError } from '../http/errors.js';
import { openStores } from '../server/stores.js';
import { WebClient } from '../web/client.js';
import { queryFor } from './installations.js';

const HELP = `usage: slackline api <method> [key=value ...] [--json '{...}'] [--token-env NAME] [--team T...] [--api-url URL]

  key=value        one argument; a value that is JSON (an object, array, number, true/false) is parsed
  --json '{...}'   arguments as one JSON object (merged under key=value pairs)
  --token-env NAME the environment variable holding the token (default SLACK_BOT_TOKEN)
  --team T...      use the stored bot token of this workspace (E...: an org-wide install), from
                   SLACKLINE_DATABASE_URL and SLACKLINE_ENCRYPTION_KEYS
  --api-url URL    the Web API base URL (default $SLACK_API_URL or https://slack.com/api/)
Prints the JSON response. Exits 1 when Slack answers ok:false (the error code goes to stderr).
`;

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
  const stores = await openStores();
  try {
    const inst = await stores.installations.findBot(query);
    if (inst?.bot === undefined) process.stderr.write(`slackline api: no stored installation for ${team}\n`);
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
    if (!(err instanceof UsageError) && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') !== true)
      throw err;
    process.stderr.write(`slackline api: ${(err as Error).message}\n`);
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
  const tokenEnv = values['token-env'] ?? 'SLACK_BOT_TOKEN';
  const token = values.team === undefined ? process.env[tokenEnv] || undefined : await storedToken(values.team);
  if (token === null) return 1;
  const client = new WebClient(token, { slackApiUrl: values['api-url'] ?? process.env.SLACK_API_URL });
  try {
    const result = await client.apiCall(method, args);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof PlatformError) {
      process.stdout.write(`${JSON.stringify(err.data, null, 2)}\n`);
      process.stderr.write(`${err.error}\n`);
      return 1;
    }
    if (err instanceof SlacklineError) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    client.core.close();
  }
}
