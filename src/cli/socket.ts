// `slackline socket`: connect to Socket Mode with the app-level token in SLACK_APP_TOKEN and print each
// envelope Slack sends as one JSON line (redacted), acking it empty. A debugging tool: see what Slack
// (or the emulator) delivers to an app, before writing any listener.
import { parseArgs } from 'node:util';
import { redactShapes } from '../http/redact.js';
import { SocketModeClient } from '../socket-mode/index.js';
import { untilSignal } from './serve.js';
import { parseArgsMessage } from './suggest.js';

const HELP = `usage: slackline socket [--token-env NAME] [--api-url URL] [--count N]

  --token-env NAME  the environment variable holding the app-level token (default SLACK_APP_TOKEN;
                    it needs connections:write)
  --api-url URL     the Web API base URL (default $SLACK_API_URL or https://slack.com/api/)
  --count N         exit after N envelopes (default: run until Ctrl+C)
Prints each envelope as a JSON line {type, envelope_id, retry_attempt, retry_reason, payload}, with
secrets redacted, and acks it (empty). Connection changes go to stderr. Exits 1 when Slack refuses the
token or stops the connection for good.
`;

export async function socketCommand(argv: string[]): Promise<number> {
  let values: { 'token-env'?: string; 'api-url'?: string; count?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'token-env': { type: 'string' },
        'api-url': { type: 'string' },
        count: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`slackline socket: ${parseArgsMessage(error, 'socket') ?? 'bad command line'}\n`);
    return 2;
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  const tokenEnv = values['token-env'] ?? 'SLACK_APP_TOKEN';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,100}$/.test(tokenEnv)) {
    process.stderr.write('slackline socket: --token-env takes an environment variable name\n');
    return 2;
  }
  const appToken = process.env[tokenEnv] ?? '';
  if (appToken === '') {
    process.stderr.write(`slackline socket: set ${tokenEnv} to an app-level token (with connections:write)\n`);
    return 2;
  }
  const count = values.count === undefined ? undefined : Number(values.count);
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    process.stderr.write('slackline socket: --count takes a positive whole number\n');
    return 2;
  }
  const apiUrl = values['api-url'] ?? process.env.SLACK_API_URL;
  const client = new SocketModeClient({ appToken, ...(apiUrl === undefined ? {} : { slackApiUrl: apiUrl }) });
  let seen = 0;
  let failed = false;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  client.on('envelope', ({ envelope, ack }) => {
    ack();
    const line = {
      type: envelope.type,
      envelope_id: envelope.envelope_id,
      retry_attempt: envelope.retry_attempt,
      retry_reason: envelope.retry_reason,
      payload: envelope.payload,
    };
    process.stdout.write(`${JSON.stringify(redactShapes(line))}\n`);
    seen += 1;
    if (count !== undefined && seen >= count) finish();
  });
  client.on('connected', ({ numConnections }) => {
    process.stderr.write(`slackline socket: connected (${numConnections ?? '?'} connection(s) for this app)\n`);
  });
  client.on('disconnected', ({ reason }) => {
    process.stderr.write(`slackline socket: disconnected (${reason.slice(0, 80)}), reconnecting\n`);
  });
  client.on('stopped', ({ error }) => {
    if (error === undefined) return;
    failed = true;
    process.stderr.write(`slackline socket: stopped: ${error.code}\n`);
    finish();
  });
  try {
    await client.start();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    process.stderr.write(`slackline socket: could not connect: ${typeof code === 'string' ? code : 'error'}\n`);
    await client.stop();
    return 1;
  }
  await Promise.race([done, untilSignal()]);
  await client.stop();
  return failed ? 1 : 0;
}
