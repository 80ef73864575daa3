// The one progress bar of the command line: cli-progress (an optional dependency, loaded only when
// stderr is a terminal) for `audit-logs export` and `keys rotate`. Off a terminal, or without the
// package, each command prints its own plain lines instead.

export interface ProgressBar {
  update(value: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

interface CliProgressBar extends ProgressBar {
  start(total: number, value: number, payload?: Record<string, unknown>): void;
}

/**
 * A started bar on stderr (`format` in cli-progress's tokens: {bar}, {percentage}, {value}, {total}
 * and the payload's names), or undefined when stderr is not a terminal or cli-progress is missing.
 */
export async function terminalBar(
  format: string,
  total: number,
  payload: Record<string, unknown> = {},
  stream: NodeJS.WriteStream = process.stderr,
): Promise<ProgressBar | undefined> {
  if (stream.isTTY !== true) return undefined;
  try {
    // A specifier in a variable: the optional package needs no type declarations to build.
    const specifier = 'cli-progress';
    const mod = (await import(specifier)) as {
      default: { SingleBar: new (options: object) => CliProgressBar };
    };
    const bar = new mod.default.SingleBar({ format, stream, hideCursor: true });
    bar.start(total, 0, payload);
    return bar;
  } catch {
    return undefined; // cli-progress is optional: the caller prints plain lines
  }
}
