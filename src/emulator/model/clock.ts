// The emulator's one clock: an injectable source plus an offset the control API can move, running
// `scale` times faster than the source (scale 60: a minute of Slack time per real second).
export class Clock {
  offsetMs = 0;
  #scale = 1;
  #sourceAt = 0;
  #scaledAt = 0;
  constructor(private readonly source: () => number = Date.now) {}

  get scale(): number {
    return this.#scale;
  }

  /** Changes the speed from now on; the reading does not jump. */
  setScale(scale: number): void {
    if (!(scale > 0) || !Number.isFinite(scale) || scale > 1_000_000) throw new RangeError('scale must be in (0, 1e6]');
    const now = this.now() - this.offsetMs;
    this.#sourceAt = this.source();
    this.#scaledAt = now;
    this.#scale = scale;
  }

  now(): number {
    const real = this.source();
    if (this.#scale === 1 && this.#sourceAt === 0) return real + this.offsetMs;
    return this.#scaledAt + (real - this.#sourceAt) * this.#scale + this.offsetMs;
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
