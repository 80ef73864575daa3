// `slackline emulator --port N [--host H] [--json] [--rate-limits] [--clock-scale X] [--all-scopes]
// [--allow-host NAME]...`: runs the local
// Slack until SIGINT/SIGTERM.
import { startEmulator } from '../emulator/index.js';
import { portInUse, untilSignal } from './serve.js';

interface EmulatorFlags {
  port: number;
  host: string;
  json: boolean;
  rateLimits: boolean;
  clockScale: number;
  allScopes: boolean;
  allowedHosts: string[];
}

const USAGE = `usage: slackline emulator [--port N] [--host H] [--json] [--rate-limits] [--clock-scale X]
                          [--all-scopes] [--allow-host NAME]...
  --rate-limits       enforce Slack's per-tier and per-channel limits (429 + Retry-After)
  --clock-scale X     run Slack time X times faster than real time (limits, code expiry, events)
  --all-scopes        the printed tokens hold every scope of the method catalog (third-party suites)
  --allow-host NAME   also answer the control API for Host NAME (default: loopback names and IPs only)`;

function parseFlags(args: string[]): EmulatorFlags | string {
  const flags: EmulatorFlags = {
    port: 3000,
    host: '127.0.0.1',
    json: false,
    rateLimits: false,
    clockScale: 1,
    allScopes: false,
    allowedHosts: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [name, inline] = arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = () => inline ?? args[++i];
    switch (name) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) return `invalid --port\n${USAGE}`;
        flags.port = port;
        break;
      }
      case '--host': {
        const host = value();
        if (host === undefined || host === '') return `invalid --host\n${USAGE}`;
        flags.host = host;
        break;
      }
      case '--json':
        flags.json = true;
        break;
      case '--rate-limits':
        flags.rateLimits = true;
        break;
      case '--clock-scale': {
        const scale = Number(value());
        if (!Number.isFinite(scale) || scale <= 0 || scale > 10_000) return `invalid --clock-scale\n${USAGE}`;
        flags.clockScale = scale;
        break;
      }
      case '--all-scopes':
        flags.allScopes = true;
        break;
      case '--allow-host': {
        const host = value();
        if (host === undefined || !/^[A-Za-z0-9.-]{1,253}$/.test(host)) return `invalid --allow-host\n${USAGE}`;
        flags.allowedHosts.push(host);
        break;
      }
      case '--help':
      case '-h':
        return USAGE;
      default:
        return `unknown option ${arg}\n${USAGE}`;
    }
  }
  return flags;
}

export async function emulatorCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args);
  if (typeof flags === 'string') {
    process.stderr.write(`${flags}\n`);
    return flags === USAGE ? 0 : 2;
  }
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      port: flags.port,
      host: flags.host,
      rateLimits: flags.rateLimits,
      allScopes: flags.allScopes,
      allowedHosts: flags.allowedHosts,
      ...(flags.clockScale === 1 ? {} : { clock: { scale: flags.clockScale } }),
    });
  } catch (err) {
    throw portInUse(err, flags.port, 'the emulator', '--port N') ?? err;
  }
  if (flags.json) {
    const line = {
      url: emulator.url,
      apiUrl: emulator.apiUrl,
      scimUrl: emulator.scimUrl,
      auditUrl: emulator.auditUrl,
      workspace: emulator.workspace,
      tokens: emulator.tokens,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      signingSecret: emulator.signingSecret,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } else {
    process.stdout.write(
      `slackline emulator listening on ${emulator.url}\n` +
        `  Slack API URL: ${emulator.apiUrl}\n` +
        `  Audit Logs URL: ${emulator.auditUrl}\n` +
        `  workspace ${emulator.workspace.teamName} (${emulator.workspace.teamId})\n` +
        `  tokens and secrets: run with --json, or GET ${emulator.url}_emulator/info\n` +
        '  press Ctrl+C to stop\n',
    );
  }
  await untilSignal();
  await emulator.close();
  return 0;
}
