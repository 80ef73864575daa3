// The one poll-until of the tests: resolves when `predicate` holds (checked every 5 ms), rejects after
// `ms` with what it waited for. Bounds are the size of the bug (seconds), never a race.
export async function until(what: string, predicate: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const start = performance.now();
  while (!(await predicate())) {
    if (performance.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
