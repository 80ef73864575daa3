#!/usr/bin/env node
// The `slackline` command line: one word picks the command, the rest is its arguments.
import { apiCommand } from './api.js';
import { devCommand } from './dev.js';
import { emulatorCommand } from './emulator.js';
import { installationsCommand } from './installations.js';
import { keysCommand } from './keys.js';
import { serveCommand } from './serve.js';

const USAGE = `usage: slackline <command> [options]

commands:
  dev [--port N] [--emulator-port N] [--headless] [--json]
                      the local Slack plus the install server, with a demo app (what npm start runs)
  serve [--port N] [--host H]
                      the install + events server (configured from the environment)
  installations list|show|delete|reseal|refresh
                      the stored installations (tokens are never printed)
  keys generate [--id KID] | keys rotate
                      a new SLACKLINE_ENCRYPTION_KEYS entry; re-seal stored tokens under the first key
  api <method> [key=value ...] [--json '{...}'] [--token-env NAME] [--team T...] [--api-url URL]
                      call any Web API method with a token from the environment (SLACK_BOT_TOKEN)
                      or, with --team, the stored installation's bot token
  emulator [--port N] [--host H] [--json]
                      start the local Slack emulator
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  api: apiCommand,
  dev: devCommand,
  emulator: emulatorCommand,
  installations: installationsCommand,
  keys: keysCommand,
  serve: serveCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`slackline: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`slackline: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
