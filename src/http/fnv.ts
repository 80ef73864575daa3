// FNV-1a, 32 bits: a small, fast string hash for keys that are not secrets and need no resistance to
// chosen inputs (a seed in `basis` keeps a table's probe sequences from being known in advance).

/** FNV-1a over `text`'s UTF-16 code units, from `basis` (FNV's own offset basis by default); unsigned. */
export function fnv1a(text: string, basis = 0x811c9dc5): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
