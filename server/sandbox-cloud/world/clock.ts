export type TimedEvent = 'hostBoot' | 'hostStop' | 'hostStart' | 'hostTerminate' | 'imageCreate' | 'imageCopy';

// Fast: a one-region build takes seconds, slow enough to watch. Realistic: what the vendors
// take in minutes, meant to be scaled down with --time-scale for benchmarks.
export const TIME_PROFILES: Record<'fast' | 'realistic', Record<TimedEvent, number>> = {
  fast: { hostBoot: 1500, hostStop: 700, hostStart: 900, hostTerminate: 400, imageCreate: 2500, imageCopy: 3000 },
  realistic: { hostBoot: 55_000, hostStop: 25_000, hostStart: 40_000, hostTerminate: 15_000, imageCreate: 240_000, imageCopy: 480_000 },
};

/** Durations of lifecycle transitions, scaled, with a little seeded jitter so runs differ like real ones. */
export class Clock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private seed: number;

  constructor(
    readonly profile: 'fast' | 'realistic' = 'fast',
    readonly scale = 1,
    seed = 42,
  ) {
    this.seed = seed;
  }

  duration(event: TimedEvent): number {
    const base = TIME_PROFILES[this.profile][event] * this.scale;
    return Math.max(0, Math.round(base * (0.85 + 0.3 * this.random())));
  }

  /** Runs fn after ms; cleared on close(). Timers do not keep the process alive. */
  after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Deterministic pseudo-random numbers (mulberry32). */
  random(): number {
    let t = (this.seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
