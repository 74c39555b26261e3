import type { BlockHeader } from '../../core/header.ts';

/**
 * What the pool and its worker threads share: the message shapes and the layout of the shared
 * memory. Control and progress go through shared memory rather than messages because a worker
 * that is hashing never returns to its event loop, so it could not read a "stop" message.
 */

/** Index of the job generation in the control array. A worker stops as soon as it differs from its job's. */
export const GENERATION = 0;

/** The two shared buffers, created by the pool and handed to every worker as workerData. */
export interface SharedState {
  /** Int32Array: [GENERATION]. */
  readonly control: SharedArrayBuffer;
  /**
   * BigInt64Array, one slot per worker: hashes done since the pool started. BigInt64 because
   * Atomics does not work on Float64Array and an Int32 counter would wrap after ~20 minutes.
   */
  readonly counters: SharedArrayBuffer;
}

export interface WorkerInit {
  readonly shared: SharedState;
  /** This worker's slot in the counters array. */
  readonly slot: number;
  /**
   * Nice value the worker gives its own thread (Linux only: there setpriority on thread id 0
   * renices the calling thread alone; elsewhere it would renice the whole node, so it is skipped).
   */
  readonly nice: number;
}

/** Which search a worker runs: the addon's backend, or 'js'. */
export type MinerBackend = 'sha-ni' | 'armv8-sha2' | 'js';

export function createSharedState(workers: number): SharedState {
  return {
    control: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT),
    counters: new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT * workers),
  };
}

/** Pool → worker. */
export interface JobMessage {
  readonly type: 'job';
  readonly generation: number;
  readonly header: BlockHeader;
  readonly target: bigint;
  /** This worker's nonces: [nonceStart, nonceEnd). */
  readonly nonceStart: number;
  readonly nonceEnd: number;
}

/**
 * Pool → worker: throw an uncaught error. Exists so tests can check that the pool survives and
 * replaces a worker that dies of an unhandled exception. Only read while the worker is idle.
 */
export interface CrashMessage {
  readonly type: 'crash';
  readonly message: string;
}

export type ToWorker = JobMessage | CrashMessage;

/** Worker → pool. */
export type FromWorker =
  /** Sent once the worker's code is loaded: from then on a crash is not a startup failure. */
  | {
      readonly type: 'ready';
      readonly backend: MinerBackend;
      /** Why the native search is not used (backend 'js'). */
      readonly fallback?: string;
      /** The nice value the thread runs at, when it could set it. */
      readonly nice?: number;
    }
  /** A nonce (with the timestamp it was found at) the worker believes meets the target. */
  | {
      readonly type: 'found';
      readonly generation: number;
      readonly nonce: number;
      readonly timestamp: number;
    };
