import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CryptoPort } from '../../core/crypto.ts';
import { MESSAGE_AT, PUBLIC_KEY_AT, RECORD_BYTES, type VerifyBatch, type VerifyResults } from './shared.ts';

/**
 * Ed25519 verification on worker threads. Verifying a signature (~125 µs with OpenSSL) is the
 * largest cost of accepting a post; done on the main thread it caps a node at about as many posts
 * per second as one core verifies, and the HTTP server waits meanwhile. Requests made during one
 * turn of the event loop go out as one batch per worker. The answers are the same as
 * `fallback.verify`: a worker that dies has its batches verified by `fallback` on the calling
 * thread, and so does every request once the pool is closed or no worker can be started.
 */

export interface SignatureVerifierOptions {
  /** Worker threads; default max(1, availableParallelism() − 1). */
  readonly workers?: number;
}

/** Most records in one batch, so one batch never keeps a worker busy for long (~30 ms). */
const MAX_BATCH = 256;
/**
 * Batches in flight per worker. Requests arriving while a worker is busy wait for its answer and
 * then go out together: one message per batch instead of one per few posts, and batches that
 * grow with the load (at most one turn of the event loop of added latency when idle).
 */
const MAX_IN_FLIGHT = 1;
/**
 * A batch smaller than this waits up to {@link COALESCE_MS} for more requests. Waking a worker
 * costs tens of microseconds (a message, a futex), as much as a third of a verification, so
 * batches of one or two posts would nearly double the CPU spent per post under load.
 */
const MIN_BATCH = 16;
const COALESCE_MS = 1;
/**
 * A worker keeps almost nothing alive (cached public keys), but under a steady stream of batches
 * V8 would let its young generation grow to its default of tens of MB: capped, it costs a few more
 * (cheap) scavenges and keeps the node's resident memory lower during sync.
 */
const WORKER_YOUNG_GENERATION_MB = 4;
/**
 * Bulk chunks (verifyRecords) in flight per worker: two, so a worker always has the next at hand
 * while the pool waits for an answer; the others wait in the pool, where the calling thread can
 * take them (verifyQueuedHere) instead of idling.
 */
const BULK_IN_FLIGHT = 2;
/** A slot whose worker died this many times in a row without answering is not restarted. */
const MAX_FAILURES = 3;

interface Request {
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly resolve: (valid: boolean) => void;
}

/** A batch sent to a worker: its records (kept, to verify here if the worker dies) and who waits. */
interface Batch {
  readonly records: Uint8Array;
  readonly settle: (results: Uint8Array) => void;
}

interface Slot {
  worker: Worker | undefined;
  /** Batches sent and not answered yet, by batch number. */
  readonly outstanding: Map<number, Batch>;
  /** Records in the outstanding batches. */
  load: number;
  /** Of the outstanding batches, how many are bulk chunks (verifyRecords). */
  bulk: number;
  failures: number;
}

/** A chunk of a verifyRecords call waiting in the pool for a worker or the calling thread. */
interface BulkChunk {
  readonly records: Uint8Array;
  readonly settle: (results: Uint8Array) => void;
}

function workerUrl(): URL {
  // Under tsx (tests) a worker cannot load .ts directly: start it through the shim (see miner/pool.ts).
  return import.meta.url.endsWith('.ts')
    ? new URL('./worker-shim.mjs', import.meta.url)
    : new URL('./worker.js', import.meta.url);
}

/** Inherited flags can break a worker (e.g. --input-type); it needs none but better stack traces. */
const WORKER_EXEC_ARGV = process.execArgv.filter((flag) => flag === '--enable-source-maps');

export class SignatureVerifierPool {
  readonly workerCount: number;
  private readonly slots: Slot[];
  private queue: Request[] = [];
  /** Chunks of verifyRecords not sent to a worker yet, oldest first. */
  private bulk: BulkChunk[] = [];
  private scheduled = false;
  private coalesceTimer: NodeJS.Timeout | undefined;
  private nextBatch = 1;
  private closed = false;

  constructor(
    private readonly fallback: CryptoPort,
    options: SignatureVerifierOptions = {},
  ) {
    const workers = options.workers ?? Math.max(1, availableParallelism() - 1);
    if (!Number.isSafeInteger(workers) || workers < 1)
      throw new RangeError('workers must be a positive integer');
    this.workerCount = workers;
    this.slots = Array.from({ length: workers }, () => ({
      worker: undefined,
      outstanding: new Map(),
      load: 0,
      bulk: 0,
      failures: 0,
    }));
    for (const slot of this.slots) this.spawn(slot);
  }

  /** Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`. Never rejects. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
    if (signature.length !== 64 || publicKey.length !== 32) return Promise.resolve(false);
    // Records have room for 32-byte messages (post ids) only; anything else is checked here.
    if (this.closed || message.length !== 32 || !this.slots.some((slot) => slot.worker !== undefined)) {
      return Promise.resolve(this.fallback.verify(signature, message, publicKey));
    }
    return new Promise((resolve) => {
      this.queue.push({ signature, message, publicKey, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.dispatch());
      }
    });
  }

  /**
   * Verifies many signatures at once (a sync batch's posts), given as records of
   * {@link RECORD_BYTES} (signature, 32-byte message, public key; see shared.ts): one byte per
   * record, 1 when valid, the same answers as {@link verify}. They are cut into chunks of at most
   * MAX_BATCH that go to the workers BULK_IN_FLIGHT at a time each, so a worker works through
   * them while the calling thread is busy elsewhere, and the calling thread can take the waiting
   * ones when it has nothing else to do ({@link verifyQueuedHere}). Requests from {@link verify}
   * wait behind at most BULK_IN_FLIGHT chunks. One buffer, not an object per signature: sync keeps
   * batches waiting, and every object that waits ends up in V8's old generation.
   */
  verifyRecords(records: Uint8Array): Promise<Uint8Array> {
    const count = Math.floor(records.length / RECORD_BYTES);
    if (this.closed || !this.slots.some((slot) => slot.worker !== undefined)) {
      return Promise.resolve(this.verifyRecordsHere(records.subarray(0, count * RECORD_BYTES)));
    }
    const results = new Uint8Array(count);
    if (count === 0) return Promise.resolve(results);
    return new Promise((resolve) => {
      let remaining = Math.ceil(count / MAX_BATCH);
      for (let first = 0; first < count; first += MAX_BATCH) {
        const chunk = records.subarray(
          first * RECORD_BYTES,
          Math.min(count, first + MAX_BATCH) * RECORD_BYTES,
        );
        const settle = (answers: Uint8Array) => {
          results.set(answers, first);
          if (--remaining === 0) resolve(results);
        };
        this.bulk.push({ records: chunk, settle });
      }
      this.pumpBulk();
    });
  }

  /**
   * Verifies the oldest waiting bulk chunk on the calling thread (at most MAX_BATCH signatures, a
   * few tens of ms); false when none waits. For a caller that would otherwise wait for the
   * workers: on 2 cores the pool has one worker, and sync's main thread idled a fifth of the time
   * waiting for it.
   */
  verifyQueuedHere(): boolean {
    const chunk = this.bulk.shift();
    if (chunk === undefined) return false;
    chunk.settle(this.verifyRecordsHere(chunk.records));
    return true;
  }

  /** Sends waiting bulk chunks to the workers with fewer than BULK_IN_FLIGHT of them. */
  private pumpBulk(): void {
    if (this.bulk.length === 0) return;
    if (!this.slots.some((slot) => slot.worker !== undefined)) {
      while (this.verifyQueuedHere()) {}
      return;
    }
    for (const slot of this.slots) {
      while (slot.worker !== undefined && slot.bulk < BULK_IN_FLIGHT && this.bulk.length > 0) {
        const chunk = this.bulk.shift()!;
        slot.bulk++;
        this.send(slot, chunk.records, (results) => {
          slot.bulk--;
          chunk.settle(results);
        });
      }
    }
  }

  /** Stops the workers; verifications still running finish on the calling thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.coalesceTimer);
    this.coalesceTimer = undefined;
    const exits: Promise<number>[] = [];
    for (const slot of this.slots) {
      const worker = slot.worker;
      slot.worker = undefined;
      if (worker) exits.push(worker.terminate());
      this.verifyHere(slot);
    }
    this.verifyQueueHere();
    while (this.verifyQueuedHere()) {}
    await Promise.all(exits);
  }

  /** Sends the queued requests, in batches, to workers with room; the rest wait for an answer. */
  private dispatch(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    if (this.queue.length < MIN_BATCH && this.coalesceTimer === undefined) {
      this.coalesceTimer = setTimeout(() => this.sendBatches(), COALESCE_MS);
      return;
    }
    if (this.queue.length >= MIN_BATCH) this.sendBatches();
  }

  private sendBatches(): void {
    clearTimeout(this.coalesceTimer);
    this.coalesceTimer = undefined;
    if (this.queue.length === 0) return;
    if (!this.slots.some((slot) => slot.worker !== undefined)) {
      this.verifyQueueHere();
      return;
    }
    for (;;) {
      const slot = this.leastLoaded();
      if (slot === undefined || this.queue.length === 0) return;
      const requests = this.queue.splice(0, MAX_BATCH);
      const records = new Uint8Array(requests.length * RECORD_BYTES);
      requests.forEach((request, i) => {
        const at = i * RECORD_BYTES;
        records.set(request.signature, at);
        records.set(request.message, at + MESSAGE_AT);
        records.set(request.publicKey, at + PUBLIC_KEY_AT);
      });
      this.send(slot, records, (results) => {
        requests.forEach((request, i) => {
          request.resolve(results[i] === 1);
        });
      });
    }
  }

  /** Sends one batch of records to a slot's live worker (a transferred copy: `records` stays for verifyHere). */
  private send(slot: Slot, records: Uint8Array, settle: (results: Uint8Array) => void): void {
    const batch = this.nextBatch++;
    slot.outstanding.set(batch, { records, settle });
    slot.load += records.length / RECORD_BYTES;
    const copy = new Uint8Array(records); // a copy (Buffer#slice would be a view of the same memory)
    const message: VerifyBatch = { batch, records: copy };
    slot.worker!.postMessage(message, [copy.buffer]);
  }

  /**
   * The live worker with the fewest records in flight and room for another batch of requests
   * (bulk chunks do not count: requests queue behind at most BULK_IN_FLIGHT of them).
   */
  private leastLoaded(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.worker === undefined || slot.outstanding.size - slot.bulk >= MAX_IN_FLIGHT) continue;
      if (best === undefined || slot.load < best.load) best = slot;
    }
    return best;
  }

  private spawn(slot: Slot): void {
    const worker = new Worker(workerUrl(), {
      execArgv: WORKER_EXEC_ARGV,
      name: 'yournet-verifier',
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    slot.worker = worker;
    worker.on('message', ({ batch, results }: VerifyResults) => {
      const sent = slot.outstanding.get(batch);
      if (sent === undefined) return;
      slot.outstanding.delete(batch);
      slot.load -= sent.records.length / RECORD_BYTES;
      slot.failures = 0;
      sent.settle(results);
      this.dispatch();
      this.pumpBulk();
    });
    // Without an 'error' listener a worker's uncaught exception would take the node down; 'exit' follows.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (slot.worker !== worker) return; // terminated by close()
      slot.worker = undefined;
      slot.failures++;
      this.verifyHere(slot);
      if (!this.closed && slot.failures < MAX_FAILURES) this.spawn(slot);
      this.sendBatches();
      this.pumpBulk();
    });
  }

  /** Settles a slot's unanswered batches on the calling thread. */
  private verifyHere(slot: Slot): void {
    const batches = [...slot.outstanding.values()];
    slot.outstanding.clear();
    slot.load = 0;
    slot.bulk = 0;
    for (const sent of batches) sent.settle(this.verifyRecordsHere(sent.records));
  }

  /** What a worker answers for `records`, computed on the calling thread. */
  private verifyRecordsHere(records: Uint8Array): Uint8Array {
    const count = records.length / RECORD_BYTES;
    const results = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const at = i * RECORD_BYTES;
      const valid = this.fallback.verify(
        records.subarray(at, at + MESSAGE_AT),
        records.subarray(at + MESSAGE_AT, at + PUBLIC_KEY_AT),
        records.subarray(at + PUBLIC_KEY_AT, at + RECORD_BYTES),
      );
      results[i] = valid ? 1 : 0;
    }
    return results;
  }

  private verifyQueueHere(): void {
    const queue = this.queue;
    this.queue = [];
    for (const request of queue) this.settleHere(request);
  }

  private settleHere(request: Request): void {
    request.resolve(this.fallback.verify(request.signature, request.message, request.publicKey));
  }
}

/** The live Worker of each slot. For tests only. */
export function verifierWorkers(pool: SignatureVerifierPool): readonly (Worker | undefined)[] {
  return pool['slots'].map((slot) => slot.worker);
}
