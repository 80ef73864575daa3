// "Did you mean": the closest known word to a typo, for method names, commands and subcommands.
// Damerau-style edit distance (a swapped pair counts once: `auth.tset`), case differences free
// (`chat.postmessage`), and a bound that grows with the word so short words do not match everything.

/** Edit distance between `a` and `b` with adjacent transpositions, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows = x.length + 1;
  const cols = y.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/** The known word closest to `word`, if one is close enough to be a typo of it; otherwise undefined. */
export function closest(word: string, known: Iterable<string>): string | undefined {
  const bound = word.length <= 4 ? 1 : word.length <= 12 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    if (Math.abs(candidate.length - word.length) > bound) continue;
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= bound ? best : undefined;
}

/** ` (did you mean 'x'?)` or the empty string. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const hit = closest(word, known);
  return hit === undefined ? '' : ` (did you mean '${hit}'?)`;
}

/** One line for a parseArgs failure, instead of Node's text (whose quoting is hard to read). */
export function parseArgsMessage(err: unknown, command: string): string | undefined {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'(-{1,2}[^']*)'/.exec((err as Error).message)?.[1] ?? 'an option';
    return `unknown option ${option} (see slackline ${command} --help)`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(-{1,2}[^' ]*)/.exec((err as Error).message)?.[1] ?? 'an option';
    return `${option} needs a value (see slackline ${command} --help)`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument (see slackline ${command} --help)`;
  return undefined;
}
