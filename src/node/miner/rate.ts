/**
 * Hash rate over a sliding window. Workers only publish running totals, so the meter samples
 * the total on a timer and divides the growth since the oldest sample in the window by the time
 * elapsed. The timer runs only while the pool mines and never keeps the process alive.
 */
export class RateMeter {
  private samples: { time: number; total: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly readTotal: () => number,
    private readonly windowMs = 3000,
    private readonly intervalMs = 250,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts measuring from now (a no-op while running, so back-to-back jobs keep their history). */
  start(): void {
    if (this.timer) return;
    this.samples = [{ time: performance.now(), total: this.readTotal() }];
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.samples = [];
  }

  /** Hashes per second over the window; 0 when stopped. */
  rate(): number {
    const oldest = this.samples[0];
    if (!this.timer || !oldest) return 0;
    const seconds = (performance.now() - oldest.time) / 1000;
    // Below a few ms the counters (flushed once per batch) say little; report nothing rather than noise.
    if (seconds < 0.005) return 0;
    return (this.readTotal() - oldest.total) / seconds;
  }

  private sample(): void {
    const now = performance.now();
    this.samples.push({ time: now, total: this.readTotal() });
    // Keep the newest sample that is at least a window old as the baseline, drop older ones.
    while (this.samples.length > 1 && this.samples[1]!.time <= now - this.windowMs) this.samples.shift();
  }
}
