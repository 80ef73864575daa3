#!/usr/bin/env node
// The `slackline` command line: one word picks the command, the rest is its arguments.
import { apiCommand } from './api.js';
import { emulatorCommand } from './emulator.js';

const USAGE = `usage: slackline <command> [options]

commands:
  api <method> [key=value ...] [--json '{...}'] [--token-env NAME] [--api-url URL]
                      call any Web API method with a token from the environment (SLACK_BOT_TOKEN)
  emulator [--port N] [--host H] [--json]
                      start the local Slack emulator
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  api: apiCommand,
  emulator: emulatorCommand,
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
