// The emulator's one clock: an injectable source plus an offset the control API can move.
export class Clock {
  offsetMs = 0;
  constructor(private readonly source: () => number = Date.now) {}

  now(): number {
    return this.source() + this.offsetMs;
  }

  seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

/** Slack timestamps ("1700000000.000100") as integer microseconds, exact in a double up to year 2255. */
export function tsToMicros(ts: string): number | undefined {
  const m = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(ts);
  if (m === null) return undefined;
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
}

export function microsToTs(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  return `${seconds}.${String(micros - seconds * 1_000_000).padStart(6, '0')}`;
}
