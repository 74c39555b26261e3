/**
 * Shared pieces of the benchmark suites: the result type every suite returns, and timing
 * helpers. Timing uses process.hrtime.bigint (monotonic, nanoseconds). Everything runs on the
 * calling thread, so a suite that only calls synchronous code measures one core.
 */

/** A target a result is compared with: `value op target.value` passes. */
export interface BenchTarget {
  readonly op: '>=' | '<=';
  readonly value: number;
}

/** One measured number. Extra fields (spread, iterations, notes) are allowed and kept in the JSON. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: BenchTarget;
  /** Set by the runner from `target`; suites need not fill it in. */
  pass?: boolean;
  readonly [extra: string]: unknown;
}

/** What a suite module exports (bench/core.ts, bench/node.ts, …). */
export interface BenchSuite {
  run(): Promise<BenchResult[]>;
}

/** Progress line on stderr (stdout carries only the JSON). */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function nowNs(): bigint {
  return process.hrtime.bigint();
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to `digits` significant digits, for readable JSON. */
export function round(value: number, digits = 4): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(digits));
}

export interface RateOptions {
  /** Seconds spent warming up (JIT tiers, caches) before measuring. Default 0.5. */
  readonly warmupSeconds?: number;
  /** Number of timed samples; the reported rate is their median. Default 7. */
  readonly samples?: number;
  /** Approximate seconds per sample. Default 0.25. */
  readonly sampleSeconds?: number;
}

export interface RateMeasurement {
  /** Median operations per second over the samples. */
  readonly perSecond: number;
  readonly minPerSecond: number;
  readonly maxPerSecond: number;
  readonly operations: number;
  readonly samples: number;
}

/**
 * Operations per second of `op(i)`, called with i = 0, 1, 2, … (callers index their
 * pre-built inputs with `i % n`). `op` returns a number that is folded into a sink so the
 * work cannot be optimised away. Calls are timed in batches sized from the warm-up so the
 * clock is read rarely.
 */
export function measureRate(op: (i: number) => number, options: RateOptions = {}): RateMeasurement {
  const warmupNs = BigInt(Math.round((options.warmupSeconds ?? 0.5) * 1e9));
  const samples = options.samples ?? 7;
  const sampleSeconds = options.sampleSeconds ?? 0.25;
  let sink = 0;
  let i = 0;

  // Warm-up, also estimating the cost of one call to size the batches.
  let batch = 1;
  let warmOps = 0;
  const warmStart = nowNs();
  let elapsed = 0n;
  while (elapsed < warmupNs) {
    for (let k = 0; k < batch; k++) sink ^= op(i++);
    warmOps += batch;
    if (batch < 1 << 20) batch *= 2;
    elapsed = nowNs() - warmStart;
  }
  const secondsPerOp = Number(elapsed) / 1e9 / warmOps;
  const perSample = Math.max(1, Math.round(sampleSeconds / secondsPerOp));

  const rates: number[] = [];
  for (let s = 0; s < samples; s++) {
    const start = nowNs();
    for (let k = 0; k < perSample; k++) sink ^= op(i++);
    const seconds = Number(nowNs() - start) / 1e9;
    rates.push(perSample / seconds);
  }
  consume(sink);
  return {
    perSecond: median(rates),
    minPerSecond: Math.min(...rates),
    maxPerSecond: Math.max(...rates),
    operations: perSample * samples,
    samples,
  };
}

export interface DurationMeasurement {
  /** Median milliseconds of one run. */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

/** Milliseconds of one call of `op`, median over `runs` timed calls after `warmupRuns` untimed ones. */
export function measureDuration(op: () => unknown, runs = 15, warmupRuns = 5): DurationMeasurement {
  for (let k = 0; k < warmupRuns; k++) consume(op());
  const times: number[] = [];
  for (let k = 0; k < runs; k++) {
    const start = nowNs();
    const result = op();
    times.push(Number(nowNs() - start) / 1e6);
    consume(result);
  }
  return { medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), runs };
}

let blackhole: unknown;
/** Keeps a value observable so the JIT cannot drop the computation that produced it. */
export function consume(value: unknown): void {
  blackhole = value;
  if (blackhole === consume) log('unreachable');
}

/** A result carrying a rate measurement, with its spread as extra fields. */
export function rateResult(
  name: string,
  m: RateMeasurement,
  unit: string,
  target?: BenchTarget,
  extra: Record<string, unknown> = {},
): BenchResult {
  return {
    name,
    value: round(m.perSecond),
    unit,
    ...(target ? { target } : {}),
    min: round(m.minPerSecond),
    max: round(m.maxPerSecond),
    operations: m.operations,
    samples: m.samples,
    ...extra,
  };
}

/** A result carrying a duration measurement, with its spread as extra fields. */
export function durationResult(
  name: string,
  m: DurationMeasurement,
  target?: BenchTarget,
  extra: Record<string, unknown> = {},
): BenchResult {
  return {
    name,
    value: round(m.medianMs),
    unit: 'ms',
    ...(target ? { target } : {}),
    min: round(m.minMs),
    max: round(m.maxMs),
    runs: m.runs,
    ...extra,
  };
}
