import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { NONCE_LIMIT } from '../../core/grind.ts';
import { type BlockHeader, headerFieldError, headerHash } from '../../core/header.ts';
import { meetsTarget } from '../../core/pow.ts';
import { RateMeter } from './rate.ts';
import {
  createSharedState,
  type FromWorker,
  GENERATION,
  type MinerBackend,
  type SharedState,
  type ToWorker,
  type WorkerInit,
} from './shared.ts';

/**
 * The proof-of-work miner: a pool of worker threads that stay alive between jobs, so the main
 * thread (the HTTP server, the chain) never hashes and never waits for a thread to start.
 * Each worker searches its own slice of the nonce space; the first solution wins and is checked
 * again here before anyone sees it, so a worker bug can cost a block but never produce an
 * invalid one.
 */

export interface MiningJob {
  /** Template header; its nonce is ignored, its timestamp is used as-is. */
  readonly header: BlockHeader;
  readonly target: bigint;
}

export interface MinedHeader {
  /** The template with the winning nonce (and timestamp, if a worker had to roll it). */
  readonly header: BlockHeader;
  /** headerHash(header), lowercase hex, ≤ target. */
  readonly hash: string;
  /**
   * Hashes tried by all workers for this job. Workers publish their counts once per batch, so
   * the losers' last partial batch (a few thousand hashes each) may be missing.
   */
  readonly hashes: number;
}

export interface MinerPoolOptions {
  /**
   * Worker threads; default availableParallelism(): every core mines, and the main thread still
   * answers promptly because the workers run at {@link MinerPoolOptions.nice}.
   */
  readonly workers?: number;
  /** Nice value of the worker threads on Linux, 0–19; default 19 (the lowest priority). */
  readonly nice?: number;
}

/** Default nice value of the mining threads: any other work on the machine comes first. */
export const MINER_NICE = 19;

/** A worker that dies before it reports ready this many times in a row is not started again. */
const MAX_STARTUP_FAILURES = 3;
/** Worker crashes one job survives; past this mine() rejects instead of restarting forever. */
const MAX_JOB_CRASHES = 3;

/**
 * Compiled (dist), worker.js sits next to pool.js. From TypeScript sources under tsx, a worker
 * thread does not get tsx's loader hooks and cannot load worker.ts, so it starts through a shim
 * that registers them.
 */
function workerUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./worker-shim.mjs', import.meta.url)
    : new URL('./worker.js', import.meta.url);
}

/**
 * Node flags for the workers. By default a worker inherits the parent's flags, and some of them
 * break it (`node --input-type=module -e ...` makes every worker fail to load its file); the
 * workers need none, so pass on only the harmless one that improves their stack traces.
 */
const WORKER_EXEC_ARGV = process.execArgv.filter((flag) => flag === '--enable-source-maps');

interface Slot {
  readonly index: number;
  worker: Worker | undefined;
  /** The worker has loaded its code; a crash from then on is not a startup failure. */
  ready: boolean;
  startupFailures: number;
  lastError: Error | undefined;
  /** Given up after repeated startup failures. */
  failed: boolean;
}

interface ActiveJob {
  readonly generation: number;
  readonly header: BlockHeader;
  readonly target: bigint;
  readonly startHashes: number;
  crashes: number;
  readonly resolve: (value: MinedHeader | undefined) => void;
  readonly reject: (error: Error) => void;
  readonly detach: () => void;
}

/** Only the header fields: a Block passed as template must not ship its posts to every worker. */
function pickHeader(h: BlockHeader): BlockHeader {
  const { version, index, previous_hash, merkle_root, timestamp, bits, nonce } = h;
  return { version, index, previous_hash, merkle_root, timestamp, bits, nonce };
}

function checkJob(job: MiningJob): void {
  const field = headerFieldError({ ...job.header, nonce: 0 });
  if (field) throw new TypeError(`mining template has an invalid ${field}`);
  if (typeof job.target !== 'bigint' || job.target < 0n || job.target >= 1n << 256n)
    throw new RangeError('mining target must be a bigint in [0, 2^256)');
}

export class MinerPool {
  readonly workerCount: number;
  private readonly slots: Slot[];
  private readonly control: Int32Array;
  private readonly counters: BigInt64Array;
  private readonly init: SharedState;
  private readonly meter = new RateMeter(() => this.totalHashes);
  private active: ActiveJob | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private readonly nice: number;
  private searchBackend: { backend: MinerBackend; fallback?: string } | undefined;

  constructor(options: MinerPoolOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    if (!Number.isSafeInteger(workers) || workers < 1)
      throw new RangeError('workers must be a positive integer');
    const nice = options.nice ?? MINER_NICE;
    if (!Number.isInteger(nice) || nice < 0 || nice > 19)
      throw new RangeError('nice must be an integer in [0, 19]');
    this.nice = nice;
    this.workerCount = workers;
    this.init = createSharedState(workers);
    this.control = new Int32Array(this.init.control);
    this.counters = new BigInt64Array(this.init.counters);
    this.slots = Array.from({ length: workers }, (_, index) => ({
      index,
      worker: undefined,
      ready: false,
      startupFailures: 0,
      lastError: undefined,
      failed: false,
    }));
    for (const slot of this.slots) this.spawn(slot);
  }

  /**
   * The search the workers run ('sha-ni', 'armv8-sha2' or 'js'), and why not native when 'js';
   * undefined until a worker has started.
   */
  get backend(): { readonly backend: MinerBackend; readonly fallback?: string } | undefined {
    return this.searchBackend;
  }

  /** Resolves once every worker has started (or given up), with {@link backend}. */
  async ready(timeoutMs = 10_000): Promise<MinerPool['backend']> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.slots.every((slot) => slot.ready || slot.failed))
      await new Promise((resolve) => setTimeout(resolve, 10));
    return this.searchBackend;
  }

  /** True while a job runs. */
  get busy(): boolean {
    return this.active !== undefined;
  }

  /** Total hashes since the pool started. */
  get totalHashes(): number {
    let total = 0n;
    for (let i = 0; i < this.workerCount; i++) total += Atomics.load(this.counters, i);
    return Number(total);
  }

  /** Hashes per second over the last few seconds, all workers together (0 when idle). */
  hashRate(): number {
    return this.active ? this.meter.rate() : 0;
  }

  /**
   * Mines until a header meets the target; resolves undefined when `signal` aborts, when another
   * job replaces this one, or when the pool closes. Rejects on an invalid job, when workers keep
   * crashing, or when a worker reports a solution that does not check out.
   */
  mine(job: MiningJob, signal?: AbortSignal): Promise<MinedHeader | undefined> {
    if (this.active) this.finish(this.active, { value: undefined }, false);
    try {
      return this.start(job, signal);
    } catch (error) {
      return Promise.reject(error);
    } finally {
      // The meter keeps its window across back-to-back jobs and stops only when the pool goes idle.
      if (!this.active) this.meter.stop();
    }
  }

  /** Stops every worker; pending mine() calls resolve undefined. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closing = true;
      if (this.active) this.finish(this.active, { value: undefined });
      const exits = this.slots.map((slot) => slot.worker?.terminate());
      this.closed = Promise.all(exits).then(() => undefined);
    }
    return this.closed;
  }

  private start(job: MiningJob, signal: AbortSignal | undefined): Promise<MinedHeader | undefined> {
    if (this.closing || signal?.aborted) return Promise.resolve(undefined);
    checkJob(job);
    if (this.slots.every((slot) => slot.failed)) throw this.noWorkersError();
    Atomics.add(this.control, GENERATION, 1);
    const generation = Atomics.load(this.control, GENERATION);
    return new Promise((resolve, reject) => {
      const onAbort = () => this.finish(active, { value: undefined });
      const active: ActiveJob = {
        generation,
        header: pickHeader(job.header),
        target: job.target,
        startHashes: this.totalHashes,
        crashes: 0,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      this.active = active;
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const slot of this.slots) this.assign(slot, active);
      this.meter.start();
    });
  }

  /** Settles a job; bumping the generation makes every worker drop it within one batch. */
  private finish(
    job: ActiveJob,
    outcome: { value: MinedHeader | undefined } | { error: Error },
    idle = true,
  ) {
    if (this.active !== job) return;
    this.active = undefined;
    Atomics.add(this.control, GENERATION, 1);
    job.detach();
    if (idle) this.meter.stop();
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.value);
  }

  /** Sends the job to a slot's worker with its disjoint nonce range (queued if it is still starting). */
  private assign(slot: Slot, job: ActiveJob): void {
    const span = Math.floor(NONCE_LIMIT / this.workerCount);
    const nonceStart = slot.index * span;
    const nonceEnd = slot.index === this.workerCount - 1 ? NONCE_LIMIT : nonceStart + span;
    const message: ToWorker = {
      type: 'job',
      generation: job.generation,
      header: job.header,
      target: job.target,
      nonceStart,
      nonceEnd,
    };
    slot.worker?.postMessage(message);
  }

  private spawn(slot: Slot): void {
    const workerData: WorkerInit = { shared: this.init, slot: slot.index, nice: this.nice };
    const worker = new Worker(workerUrl(), {
      workerData,
      execArgv: WORKER_EXEC_ARGV,
      name: `yournet-miner-${slot.index}`,
    });
    slot.worker = worker;
    slot.ready = false;
    slot.lastError = undefined;
    worker.on('message', (message: FromWorker) => {
      if (slot.worker === worker) this.onMessage(slot, message);
    });
    // Without an 'error' listener an uncaught exception in the worker would be rethrown here
    // and take the whole node down; record it and let 'exit' restart the worker.
    worker.on('error', (error) => {
      if (slot.worker === worker) slot.lastError = error;
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker) this.onExit(slot, code);
    });
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') {
      slot.ready = true;
      slot.startupFailures = 0;
      this.searchBackend = {
        backend: message.backend,
        ...(message.fallback !== undefined ? { fallback: message.fallback } : {}),
      };
      return;
    }
    const job = this.active;
    if (message.type !== 'found' || !job || message.generation !== job.generation) return;
    // Trust nothing from the worker but the two numbers: rebuild the header and hash it here.
    const header = { ...job.header, nonce: message.nonce, timestamp: message.timestamp };
    const valid = headerFieldError(header) === undefined && header.timestamp >= job.header.timestamp;
    const hash = valid ? headerHash(header) : undefined;
    if (hash === undefined || !meetsTarget(hash, job.target)) {
      const error = new Error(
        `miner worker ${slot.index} reported nonce ${message.nonce} at timestamp ${message.timestamp}, ` +
          'which does not meet the target (a miner bug); the job was stopped',
      );
      this.finish(job, { error });
      return;
    }
    this.finish(job, { value: { header, hash, hashes: this.totalHashes - job.startHashes } });
  }

  /** A worker died without being asked to: restart it and hand it the running job again. */
  private onExit(slot: Slot, code: number): void {
    slot.worker = undefined;
    if (this.closing) return;
    const reason = slot.lastError?.message ?? `exit code ${code}`;
    if (!slot.ready) slot.startupFailures++;
    if (slot.startupFailures >= MAX_STARTUP_FAILURES) slot.failed = true;
    else this.spawn(slot);
    const job = this.active;
    if (!job) return;
    job.crashes++;
    if (this.slots.every((s) => s.failed)) {
      this.finish(job, { error: this.noWorkersError() });
    } else if (job.crashes > MAX_JOB_CRASHES) {
      const error = new Error(
        `mining stopped: miner workers crashed ${job.crashes} times during this job (last: worker ${slot.index}, ${reason})`,
      );
      this.finish(job, { error });
    } else {
      this.assign(slot, job);
    }
  }

  private noWorkersError(): Error {
    const reasons = this.slots.map((slot) => slot.lastError?.message).filter((m) => m !== undefined);
    return new Error(`no miner worker could be started${reasons.length ? `: ${reasons[0]}` : ''}`);
  }
}

/** The live Worker of each slot (undefined while one restarts). For tests and diagnostics only. */
export function poolWorkers(pool: MinerPool): readonly (Worker | undefined)[] {
  return pool['slots'].map((slot) => slot.worker);
}
