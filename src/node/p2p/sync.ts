import type { BulkSignatureVerifier } from '../verifier/block-signatures.ts';
import { P2PErrorCode, PeerError } from './errors.ts';
import type { BlockIntake } from './intake.ts';
import { buildLocator, MAX_HEADERS_PER_ANSWER } from './locator.ts';
import type { Log, Peer, PeerManager } from './peer-manager.ts';
import type { ChainView } from './ports.ts';
import type { SyncProgress } from './progress.ts';
import { type CheckedHeader, checkHeaderRun } from './sync/headers.ts';
import { BATCH_SIZE, syncRange } from './sync/range.ts';
import { type BodyTimeoutBounds, BodyTimer } from './sync/timing.ts';
import type { PeerTransport } from './transport.ts';

/** Headers validated and held in memory per sync before bodies are fetched. */
const MAX_HEADERS_IN_MEMORY = 50_000;
/**
 * Blocks still to connect, of a checked header run, above which the node counts as catching up
 * (initial block download): store maintenance then waits (see {@link SyncManager.catchingUp}).
 */
export const CATCHING_UP_GAP = 2 * BATCH_SIZE;

export interface SyncOptions {
  readonly chain: ChainView;
  readonly peers: PeerManager;
  readonly transport: PeerTransport;
  readonly intake: BlockIntake;
  readonly progress: SyncProgress;
  readonly log: Log;
  /** Verifies the signatures of downloaded bodies off the main thread; without it, the chain does. */
  readonly verifier?: BulkSignatureVerifier;
  readonly now?: () => number;
  /** Bounds of the adaptive body-download timeout (default BODY_TIMEOUT: 5 s to 30 s, 4 × the median). */
  readonly bodyTimeout?: BodyTimeoutBounds;
}

/**
 * Headers-first synchronisation (Bitcoin's, simplified): ask a peer for the headers after the
 * last common block (a locator), check their form, proof of work, links, difficulty and times
 * before downloading anything else (sync/headers.ts); if the branch they describe has more
 * work than ours, download the bodies in batches, from several peers when several have them,
 * and hand them to the chain in order (sync/range.ts, sync/batch.ts). One sync per peer at a
 * time; bodies are downloaded by one sync at a time.
 */
export class SyncManager {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private bodiesLock: Promise<void> = Promise.resolve();
  /** Body batch times of every sync, for the adaptive download timeout. */
  private readonly timer: BodyTimer;
  private stopped = false;
  /** Best height any peer told us about. */
  bestKnownHeight = 0;
  /** The last height of the header run whose bodies are downloading (checked headers: work proven). */
  private rangeTarget: number | undefined;

  constructor(private readonly options: SyncOptions) {
    this.timer = new BodyTimer(options.bodyTimeout);
  }

  stop(): void {
    this.stopped = true;
  }

  get active(): boolean {
    return this.running.size > 0;
  }

  /**
   * Whether bodies are downloading for a checked header run that ends more than
   * CATCHING_UP_GAP blocks above the tip: the node is far behind (initial block download), and
   * the store defers its background upkeep (store/maintenance.ts). The target comes from headers
   * whose proof of work was checked, not from a height a peer merely claims.
   */
  get catchingUp(): boolean {
    return (
      this.rangeTarget !== undefined && this.rangeTarget - this.options.chain.tip.height > CATCHING_UP_GAP
    );
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
    const headers: CheckedHeader[] = [];
    let complete = false;
    while (!this.stopped && headers.length < MAX_HEADERS_IN_MEMORY) {
      const last = headers.at(-1)?.header.hash;
      const locator = buildLocator(chain);
      if (last !== undefined) locator.unshift(last);
      const list = await transport.headers(peer.url, locator.slice(0, 64));
      if (list.length === 0) {
        complete = true;
        break;
      }
      checkHeaderRun(chain, list, headers, this.options.now?.() ?? Date.now() / 1000);
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
    const target = headers.at(-1)!.header.index;
    await this.withBodiesLock(() => {
      this.rangeTarget = target;
      return syncRange(
        {
          chain,
          peers: this.options.peers,
          transport,
          intake: this.options.intake,
          progress: this.options.progress,
          verifier: this.options.verifier,
          stopped: () => this.stopped,
          bestKnownHeight: () => this.bestKnownHeight,
          timer: this.timer,
        },
        peer,
        headers,
        startHeight,
      ).finally(() => {
        this.rangeTarget = undefined;
      });
    });
    this.options.progress.done(chain.tip.height);
    if (!complete && !this.stopped) this.again.add(peer.url);
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
}
