import { parseHeader, validateHeaderStateless } from '../../core/block.ts';
import type { ParentContext } from '../../core/contextual.ts';
import { ErrorCode } from '../../core/errors.ts';
import { blockWork } from '../../core/pow.ts';
import type { Chain } from '../chain/chain.ts';
import type { CheckedBlock } from '../chain/checked.ts';
import { acceptHeader } from '../chain/header-acceptance.ts';
import { buildLocator, MAX_HEADERS_PER_ANSWER, type WireHeader } from '../chain/locator.ts';
import {
  type BulkSignatureVerifier,
  type VerifiedSignatures,
  verifyBlockSignatures,
} from '../verifier/block-signatures.ts';
import { P2PErrorCode, PeerError } from './errors.ts';
import type { BlockIntake } from './intake.ts';
import type { Log, Peer, PeerManager } from './peer-manager.ts';
import type { SyncProgress } from './progress.ts';
import type { PeerTransport } from './transport.ts';

/** Headers validated and held in memory per sync before bodies are fetched. */
const MAX_HEADERS_IN_MEMORY = 50_000;
const BATCH = 100;
/** Body batches in flight at once (spread over the peers that have them), besides VERIFY_AHEAD. */
const WINDOW = 2;
/** Downloaded batches checked and sent to the signature workers ahead of the one connecting. */
const VERIFY_AHEAD = 2;

interface Checked {
  readonly header: WireHeader;
  readonly work: bigint;
}

/** A downloaded batch, checked ahead of the chain, its signatures being verified on workers. */
interface PreparedBatch {
  readonly from: string;
  /**
   * The batch's blocks in order, as CheckedBlocks, up to the first that fails the checks: that
   * one stays raw (the chain rejects it again, with its code, when its turn comes) and ends it.
   */
  readonly blocks: (CheckedBlock | unknown)[];
  readonly verified: Promise<VerifiedSignatures | undefined>;
}

export interface SyncOptions {
  readonly chain: Chain;
  readonly peers: PeerManager;
  readonly transport: PeerTransport;
  readonly intake: BlockIntake;
  readonly progress: SyncProgress;
  readonly log: Log;
  /** Verifies the signatures of downloaded bodies off the main thread; without it, the chain does. */
  readonly verifier?: BulkSignatureVerifier;
  readonly now?: () => number;
}

/**
 * Headers-first synchronisation (Bitcoin's, simplified): ask a peer for the headers after the
 * last common block (a locator), check their form, proof of work, links, difficulty and times
 * before downloading anything else; if the branch they describe has more work than ours,
 * download the bodies in batches, from several peers when several have them, and hand them to
 * the chain in order. One sync per peer at a time; bodies are downloaded by one sync at a time.
 */
export class SyncManager {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private bodiesLock: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Best height any peer told us about. */
  bestKnownHeight = 0;

  constructor(private readonly options: SyncOptions) {}

  stop(): void {
    this.stopped = true;
  }

  get active(): boolean {
    return this.running.size > 0;
  }

  /** Syncs with the peer (or, if a sync with it runs, once more after it); resolves when done. */
  request(url: string): Promise<void> {
    const current = this.running.get(url);
    if (current !== undefined) {
      this.again.add(url);
      return current;
    }
    const job = (async () => {
      do {
        this.again.delete(url);
        const peer = this.options.peers.get(url);
        if (peer === undefined || this.stopped) return;
        try {
          await this.syncWith(peer);
          this.options.peers.succeeded(url);
        } catch (error) {
          this.options.log('info', `sync with ${url} stopped: ${(error as Error).message}`);
          if (error instanceof PeerError && !error.scored) this.options.peers.failed(url, error);
          return;
        }
      } while (this.again.has(url));
    })().finally(() => this.running.delete(url));
    this.running.set(url, job);
    return job;
  }

  private async syncWith(peer: Peer): Promise<void> {
    const { chain, transport } = this.options;
    const claimed = peer.chainwork;
    const startHeight = chain.tip.height;
    const headers: Checked[] = [];
    let complete = false;
    while (!this.stopped && headers.length < MAX_HEADERS_IN_MEMORY) {
      const last = headers.at(-1)?.header.hash;
      const locator = buildLocator(chain);
      if (last !== undefined) locator.unshift(last);
      const answer = await transport.headers(peer.url, locator.slice(0, 64));
      const list = (answer as { headers?: unknown } | undefined)?.headers;
      if (!Array.isArray(list) || list.length > MAX_HEADERS_PER_ANSWER) {
        throw new PeerError(P2PErrorCode.BAD_MESSAGE, 'headers: expected {headers: [≤ 2000 headers]}');
      }
      if (list.length === 0) {
        complete = true;
        break;
      }
      this.checkHeaders(list, headers);
      this.bestKnownHeight = Math.max(this.bestKnownHeight, headers.at(-1)!.header.index, peer.height);
      if (list.length < MAX_HEADERS_PER_ANSWER) {
        complete = true;
        break;
      }
    }
    if (headers.length === 0) {
      if (complete && claimed > chain.tip.chainwork && !chain.hasBlock(peer.tip)) {
        throw new PeerError(P2PErrorCode.LIGHTER_THAN_CLAIMED, 'claimed more work but served no headers');
      }
      return;
    }
    const first = chain.getEntry(headers[0]!.header.previous_hash)!;
    const branchWork = headers.reduce((sum, item) => sum + item.work, first.chainwork);
    if (complete && branchWork < claimed) {
      throw new PeerError(
        P2PErrorCode.LIGHTER_THAN_CLAIMED,
        `claimed chainwork ${claimed.toString(16)} but its headers carry ${branchWork.toString(16)}`,
      );
    }
    if (branchWork <= chain.tip.chainwork) return; // not heavier: nothing to download
    this.bestKnownHeight = Math.max(this.bestKnownHeight, headers.at(-1)!.header.index);
    await this.withBodiesLock(() => this.downloadBodies(peer, headers, startHeight));
    this.options.progress.done(chain.tip.height);
    if (!complete && !this.stopped) this.again.add(peer.url);
  }

  /**
   * Validates a page of headers onto `out`: form, proof of work, link to a known block (the
   * first) or to the previous header, then header acceptance (chain/header-acceptance.ts, the
   * door blocks go through too: known-invalid, the parent, difficulty, median time past, future
   * limit) against the parent held in memory, or the stored one for the first header of a run.
   * Throws a PeerError with the failing rule's code.
   */
  private checkHeaders(list: readonly unknown[], out: Checked[]): void {
    const { chain } = this.options;
    const params = chain.params;
    const now = this.options.now?.() ?? Date.now() / 1000;
    const firstParent = (list[0] as { previous_hash?: unknown } | null)?.previous_hash;
    // The first header continues our list, or restarts from a block we store (the peer reorged).
    if (typeof firstParent === 'string') {
      const at = out.findIndex((item) => item.header.hash === firstParent);
      if (at >= 0) out.splice(at + 1);
      else if (chain.hasBlock(firstParent)) out.splice(0);
      else
        throw new PeerError(
          P2PErrorCode.HEADERS_NOT_LINKED,
          `headers start at an unknown parent ${firstParent.slice(0, 64)}`,
        );
    }
    // The parent of the next header: the last one held in memory, or (undefined) the stored
    // block the run starts from, which header acceptance looks up itself.
    let timestamps: number[];
    let parent: WireHeader | undefined;
    if (out.length > 0) {
      parent = out.at(-1)!.header;
      timestamps = out.slice(-params.medianTimeSpan).map((item) => item.header.timestamp);
      if (timestamps.length < params.medianTimeSpan) {
        const base = chain.parentContext(chain.getEntry(out[0]!.header.previous_hash)!).recentTimestamps;
        timestamps = [...base, ...timestamps].slice(-params.medianTimeSpan);
      }
    } else {
      const entry = typeof firstParent === 'string' ? chain.getEntry(firstParent) : undefined;
      if (entry === undefined) throw new PeerError(P2PErrorCode.HEADERS_NOT_LINKED, 'headers do not link');
      timestamps = [...chain.parentContext(entry).recentTimestamps];
    }
    for (const item of list) {
      const parsed = parseHeader(item);
      if (!parsed.ok) throw new PeerError(parsed.code, `header: ${parsed.message}`);
      const header = parsed.value;
      const pow = validateHeaderStateless(header, header.hash, params);
      if (!pow.ok) throw new PeerError(pow.code, `header ${header.index}: ${pow.message}`);
      const parentHash = parent?.hash ?? (firstParent as string);
      if (header.previous_hash !== parentHash) {
        throw new PeerError(
          P2PErrorCode.HEADERS_NOT_LINKED,
          `header ${pow.value.hash} does not link to ${parentHash}`,
        );
      }
      const wire: WireHeader = { ...header, hash: pow.value.hash };
      const inMemory: ParentContext | undefined =
        parent === undefined ? undefined : { parent, recentTimestamps: timestamps };
      const accepted = acceptHeader(wire, chain, params, now, inMemory);
      if (!accepted.ok) throw new PeerError(accepted.code, `header ${header.index}: ${accepted.message}`);
      out.push({ header: wire, work: blockWork(pow.value.target) });
      timestamps.push(header.timestamp);
      if (timestamps.length > params.medianTimeSpan) timestamps.shift();
      parent = wire;
    }
  }

  private async withBodiesLock(task: () => Promise<void>): Promise<void> {
    const previous = this.bodiesLock;
    let release!: () => void;
    this.bodiesLock = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      await task();
    } finally {
      release();
    }
  }

  /** Downloads and connects the bodies of `headers` we lack, WINDOW batches in flight. */
  private async downloadBodies(
    origin: Peer,
    headers: readonly Checked[],
    startHeight: number,
  ): Promise<void> {
    const { chain, peers, intake } = this.options;
    const missing = headers.filter((item) => !chain.hasBlock(item.header.hash)).map((item) => item.header);
    const batches: WireHeader[][] = [];
    for (let i = 0; i < missing.length; i += BATCH) batches.push(missing.slice(i, i + BATCH));
    const fetchBatch = async (
      batch: WireHeader[],
      turn: number,
    ): Promise<{ blocks: unknown[]; from: string }> => {
      const last = batch.at(-1)!.index;
      const helpers = [origin, ...peers.connected.filter((p) => p.url !== origin.url && p.height >= last)];
      const first = helpers[turn % helpers.length]!;
      const order = first === origin ? [origin] : [first, origin];
      let lastError: unknown;
      for (const peer of order) {
        try {
          return { blocks: await this.fetchAll(peer.url, batch), from: peer.url };
        } catch (error) {
          lastError = error;
          if (peer !== origin) peers.failed(peer.url, error);
        }
      }
      throw lastError;
    };
    // Pipeline: while the chain connects batch N (main thread, one transaction), the workers
    // verify the signatures of batches N+1 and N+2, and batches up to N+2+WINDOW download.
    // Batches are checked only when they come within VERIFY_AHEAD of the chain, so that few
    // parsed blocks wait (waiting objects fill V8's old generation and the node's memory).
    const inFlight: Promise<{ blocks: unknown[]; from: string }>[] = [];
    let next = 0;
    const fill = () => {
      while (inFlight.length < WINDOW && next < batches.length) {
        const promise = fetchBatch(batches[next]!, next);
        promise.catch(() => undefined); // handled when awaited in order
        inFlight.push(promise);
        next++;
      }
    };
    fill();
    const ready: PreparedBatch[] = [];
    let downloadFailed = false;
    let downloadError: unknown;
    for (;;) {
      while (!downloadFailed && ready.length < VERIFY_AHEAD && inFlight.length > 0) {
        try {
          const { blocks, from } = await inFlight.shift()!;
          fill();
          ready.push(this.prepare(blocks, from));
        } catch (error) {
          // The batches before it still connect, as they would have without the pipeline.
          downloadFailed = true;
          downloadError = error;
        }
      }
      const prepared = ready.shift();
      if (prepared === undefined || this.stopped) break;
      const verified = await prepared.verified;
      if (this.stopped) return;
      const blocks = prepared.blocks;
      const outcome = chain.inOneTransaction(() => {
        for (let i = 0; i < blocks.length; i++) {
          const accepted = intake.accept(blocks[i], prepared.from, 0, verified ? { verified } : {});
          blocks[i] = undefined; // connected: let it go now rather than with the whole batch
          if (!accepted.ok) return accepted;
        }
        return undefined;
      });
      if (outcome !== undefined) {
        if (outcome.code === ErrorCode.BLOCK_TIME_TOO_NEW) return;
        throw new PeerError(outcome.code, `block from ${prepared.from}: ${outcome.message}`, true);
      }
      this.options.progress.update(
        chain.tip.height,
        Math.max(this.bestKnownHeight, chain.tip.height),
        startHeight,
      );
    }
    if (downloadFailed && !this.stopped) throw downloadError;
  }

  /**
   * §7.1 steps 1–16 of each downloaded block (no chain needed, so ahead of the chain), then
   * their signatures sent to the verifier's workers. Stops at the first block that fails.
   */
  private prepare(raw: readonly unknown[], from: string): PreparedBatch {
    const chain = this.options.chain;
    const blocks: (CheckedBlock | unknown)[] = [];
    const checked: CheckedBlock[] = [];
    for (const input of raw) {
      const result = chain.checkBlock(input);
      if (!result.ok) {
        blocks.push(input);
        break;
      }
      blocks.push(result.value);
      checked.push(result.value);
    }
    const verifier = this.options.verifier;
    const verified =
      verifier === undefined || checked.length === 0
        ? Promise.resolve(undefined)
        : verifyBlockSignatures(
            verifier,
            checked.map((block) => block.valid),
          );
    return { from, blocks, verified };
  }

  /** Fetches a batch of blocks, re-asking for the remainder when an answer stops at its byte cap. */
  private async fetchAll(url: string, batch: readonly WireHeader[]): Promise<unknown[]> {
    const out: unknown[] = [];
    while (out.length < batch.length) {
      const wanted = batch.slice(out.length).map((header) => header.hash);
      const answer = await this.options.transport.blocks(url, wanted);
      const list = (answer as { blocks?: unknown } | undefined)?.blocks;
      if (!Array.isArray(list) || list.length > wanted.length) {
        throw new PeerError(P2PErrorCode.BAD_MESSAGE, 'blocks: expected {blocks: [...]} of the hashes asked');
      }
      if (list.length === 0)
        throw new PeerError(P2PErrorCode.BAD_STATUS, 'the peer does not have the blocks it announced');
      list.forEach((block, i) => {
        if ((block as { hash?: unknown } | null)?.hash !== wanted[i]) {
          throw new PeerError(P2PErrorCode.UNREQUESTED, `block ${i} of the answer is not the one asked for`);
        }
      });
      out.push(...list);
    }
    return out;
  }
}
