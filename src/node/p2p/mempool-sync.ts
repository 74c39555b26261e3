import { NodeErrorCode } from '../errors.ts';
import { PeerError } from './errors.ts';
import { LIMITS, type PendingPage } from './messages.ts';
import type { PeerManager } from './peer-manager.ts';
import type { PostLookup } from './ports.ts';
import type { NetStats, PeerTransport } from './transport.ts';

export interface MempoolSyncOptions {
  readonly transport: PeerTransport;
  readonly peers: Pick<PeerManager, 'get' | 'failed' | 'succeeded'>;
  readonly posts: Pick<PostLookup, 'holdsPost'>;
  /** Fetches posts by id from the peer through the pool's normal admission (gossip's fetch). */
  readonly fetch: (url: string, ids: readonly string[]) => Promise<void>;
  readonly stats: NetStats;
}

/**
 * Mempool sync on (re)connect and on the periodic tick (docs/PROTOCOL.md §11.8): reads the peer's pending post ids page
 * by page (at most LIMITS.pendingPages pages of LIMITS.pendingPerPage ids) and fetches the ones
 * this node has never stored, so posts made while it was away reach it without waiting for a
 * block. Each post still passes the pool's admission (stamp, signature, limits). One run per
 * peer at a time; an old peer without the route (404) is left alone.
 */
export class MempoolSync {
  private readonly running = new Set<string>();
  /** Per peer, the cursor after its last full page read: a periodic run starts there. */
  private readonly cursors = new Map<string, number>();

  constructor(private readonly options: MempoolSyncOptions) {}

  /**
   * Pulls the peer's pending posts that are missing here; resolves with the number of ids asked
   * for. `incremental` (the periodic run): from the cursor after the last full page read of
   * this peer, so a run re-reads at most one page plus what arrived since.
   */
  async run(url: string, incremental = false): Promise<number> {
    const { transport, peers, posts, stats } = this.options;
    if (transport.pendingIds === undefined || this.running.has(url)) return 0;
    this.running.add(url);
    if (this.cursors.size > 256) {
      for (const key of this.cursors.keys()) if (peers.get(key) === undefined) this.cursors.delete(key);
    }
    let asked = 0;
    try {
      let after = incremental ? (this.cursors.get(url) ?? 0) : 0;
      for (let page = 0; page < LIMITS.pendingPages && peers.get(url) !== undefined; page++) {
        let answer: PendingPage;
        try {
          answer = await transport.pendingIds(url, after);
          peers.succeeded(url);
        } catch (error) {
          const legacy = error instanceof PeerError && error.code === NodeErrorCode.NOT_FOUND;
          if (!legacy) peers.failed(url, error);
          return asked;
        }
        stats.relay.pendingIdsRead += answer.ids.length;
        const missing = answer.ids.filter((id) => !posts.holdsPost(id));
        if (missing.length > 0) {
          asked += missing.length;
          stats.relay.pendingPostsAsked += missing.length;
          await this.options.fetch(url, missing);
        }
        // A cursor that does not advance would loop: the end, whatever the peer says.
        if (answer.next === null || answer.next <= after) break;
        after = answer.next;
        this.cursors.set(url, after);
      }
      return asked;
    } finally {
      this.running.delete(url);
    }
  }
}
