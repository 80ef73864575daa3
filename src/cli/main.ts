#!/usr/bin/env node
// The `slackline` command line: one word picks the command, the rest is its arguments.
import { readFileSync } from 'node:fs';
import { redactShapes } from '../http/redact.js';
import { didYouMean } from './suggest.js';

const USAGE = `usage: slackline <command> [options]

commands:
  dev [--port N] [--emulator-port N] [--headless] [--json]
                      the local Slack plus the install server, with a demo app (what npm start runs)
  serve [--port N] [--host H]
                      the install + events server (configured from the environment)
  installations list|show|delete|reseal|refresh
                      the stored installations (tokens are never printed); reseal under the newest
                      key; refresh rotating tokens ahead of expiry
  keys generate [--id KID] | keys rotate
                      a new SLACKLINE_ENCRYPTION_KEYS entry; re-seal stored tokens under the first key
  api <method> [key=value ...] [--json '{...}'] [--token-env NAME] [--team T...] [--api-url URL]
                      call any Web API method with a token from the environment (SLACK_BOT_TOKEN)
                      or, with --team, the stored installation's bot token
  doctor [--scan DIR]
                      check the configuration (tokens, keys, store, redirect URL); --scan finds
                      secrets written into source files
  scim users|groups list|get|create|deactivate|delete ...
                      Slack's SCIM API with an org admin token from the environment (SLACK_ADMIN_TOKEN)
  audit-logs export --since 7d [--action A] [--format jsonl|csv] [--out FILE [--resume CP]]
                      stream an org's audit log (token from SLACK_AUDIT_TOKEN), resumable
  emulator [--port N] [--host H] [--json] [--rate-limits] [--clock-scale X]
                      start the local Slack emulator
  socket [--token-env NAME] [--api-url URL] [--count N]
                      print what arrives over Socket Mode (app token from SLACK_APP_TOKEN), acking it

slackline <command> --help says more; slackline --version prints the version.
`;

type Command = (args: string[]) => Promise<number>;

// Each command is loaded when it is run, so a command's process holds only its own code (an audit
// export does not carry the emulator, the stores and the server in memory).
const commands: Record<string, () => Promise<Command>> = {
  api: async () => (await import('./api.js')).apiCommand,
  'audit-logs': async () => (await import('./audit-logs.js')).auditLogsCommand,
  dev: async () => (await import('./dev.js')).devCommand,
  doctor: async () => (await import('./doctor.js')).doctorCommand,
  emulator: async () => (await import('./emulator.js')).emulatorCommand,
  installations: async () => (await import('./installations.js')).installationsCommand,
  keys: async () => (await import('./keys.js')).keysCommand,
  scim: async () => (await import('./scim.js')).scimCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  socket: async () => (await import('./socket.js')).socketCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    // A word pasted in the wrong place may be a token: it is shown only when nothing in it is secret-shaped.
    const shown = /^[A-Za-z0-9._-]{1,40}$/.test(name) && redactShapes(name) === name ? `'${name}'` : '';
    process.stderr.write(`slackline: unknown command ${shown}${didYouMean(name, Object.keys(commands))}\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest);
}

/** The package's version, read from the package.json this file ships in. */
function version(): string {
  const url = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
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
