// The ```ts blocks of a Markdown text, for the README tests: each with the line it starts on and
// the marker comment on the line just before its fence, if any (`<!-- run -->`,
// `<!-- run posts="Hello" -->`, `<!-- run needs="redis" -->`: a block the tests execute).

export interface Block {
  line: number;
  code: string;
  /** The attributes of a `<!-- run ... -->` marker right above the fence; undefined without one. */
  run: Record<string, string> | undefined;
}

function runMarker(line: string | undefined): Record<string, string> | undefined {
  const marker = /^\s*<!--\s*run\b(.*?)-->\s*$/.exec(line ?? '');
  if (marker === null) return undefined;
  return Object.fromEntries([...(marker[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

export function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*```(ts|typescript)\s*$/.test(lines[i] ?? '')) continue;
    const indent = /^\s*/.exec(lines[i] ?? '')?.[0].length ?? 0;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end] ?? '')) end++;
    const code = lines
      .slice(start, end)
      .map((l) => l.slice(Math.min(indent, /^\s*/.exec(l)?.[0].length ?? 0)))
      .join('\n');
    blocks.push({ line: start + 1, code, run: runMarker(lines[i - 1]) });
    i = end;
  }
  return blocks;
}
