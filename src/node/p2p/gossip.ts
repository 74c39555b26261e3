import { NodeError } from '../errors.ts';
import type { CompactRelay } from './compact-relay.ts';
import { P2PErrorCode } from './errors.ts';
import type { BlockIntake } from './intake.ts';
import { claimedHash, type Inv, LIMITS, type Unchecked } from './messages.ts';
import type { OrphanPool } from './orphans.ts';
import type { Log, Peer, PeerManager } from './peer-manager.ts';
import type { ChainView, PendingPool, PostLookup } from './ports.ts';
import { BoundedSet } from './seen.ts';
import type { PeerTransport } from './transport.ts';

/** Most recently connected block hashes announced in one inv (the rest come by sync). */
const ANNOUNCE_BLOCKS = 8;
/** Announcements of more new blocks than this are fetched whole (a catch-up, not a relay). */
const COMPACT_MAX_BLOCKS = 4;

interface Outbox {
  posts: Set<string>;
  blocks: string[];
  busy: boolean;
  /** Ids and hashes this peer already has (it announced them, or we did). */
  known: BoundedSet;
}

export interface GossipOptions {
  readonly chain: Pick<ChainView, 'tip' | 'hasBlock'>;
  readonly posts: Pick<PostLookup, 'hasPost'>;
  readonly mempool: Pick<PendingPool, 'submit'>;
  readonly peers: PeerManager;
  readonly transport: PeerTransport;
  readonly intake: Pick<BlockIntake, 'accept'>;
  readonly orphans: Pick<OrphanPool, 'has'>;
  readonly log: Log;
  /** Ask for a headers-first sync with a peer (an announcement that does not connect). */
  readonly requestSync: (url: string) => void;
  /** Compact relay (§11.8); without it every announced block is fetched whole. */
  readonly compact?: Pick<CompactRelay, 'receive'>;
}

/**
 * Announcements (inv) of new posts and blocks and the fetches they trigger. Outgoing: batched
 * per event-loop turn, one request in flight per peer (a slow peer only delays itself),
 * nothing announced to a peer that already has it. Incoming: only what the node lacks and is
 * not already fetching is requested, from the peer that announced it; only valid data enters
 * the pool or the chain, and only that is announced further.
 */
export class Gossip {
  private readonly outboxes = new Map<string, Outbox>();
  private readonly queuedPosts = new Set<string>();
  private queuedBlocks: string[] = [];
  private flushScheduled = false;
  /** Posts and blocks requested (or being requested) from some peer. */
  private readonly requested = new BoundedSet(50_000);
  private stopped = false;

  constructor(private readonly options: GossipOptions) {}

  stop(): void {
    this.stopped = true;
  }

  announcePost(id: string): void {
    this.queuedPosts.add(id);
    this.schedule();
  }

  announceBlock(hash: string): void {
    this.queuedBlocks.push(hash);
    if (this.queuedBlocks.length > ANNOUNCE_BLOCKS) this.queuedBlocks.shift();
    this.schedule();
  }

  private schedule(): void {
    if (this.flushScheduled || this.stopped) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private outbox(url: string): Outbox {
    let box = this.outboxes.get(url);
    if (box === undefined) {
      box = { posts: new Set(), blocks: [], busy: false, known: new BoundedSet(20_000) };
      this.outboxes.set(url, box);
    }
    return box;
  }

  private flush(): void {
    this.flushScheduled = false;
    const posts = [...this.queuedPosts];
    const blocks = this.queuedBlocks;
    this.queuedPosts.clear();
    this.queuedBlocks = [];
    for (const peer of this.options.peers.connected) {
      const box = this.outbox(peer.url);
      for (const id of posts) if (!box.known.has(id)) box.posts.add(id);
      for (const hash of blocks) if (!box.known.has(hash)) box.blocks.push(hash);
      if (box.blocks.length > ANNOUNCE_BLOCKS) box.blocks.splice(0, box.blocks.length - ANNOUNCE_BLOCKS);
      this.send(peer.url, box);
    }
  }

  /** Sends the peer's queued announcements unless a request to it is already in flight. */
  private send(url: string, box: Outbox): void {
    if (box.busy || this.stopped || (box.posts.size === 0 && box.blocks.length === 0)) return;
    const posts = [...box.posts].slice(0, LIMITS.invPosts);
    for (const id of posts) box.posts.delete(id);
    const blocks = box.blocks;
    box.blocks = [];
    for (const key of [...posts, ...blocks]) box.known.add(key);
    const inv: Inv = { posts, blocks, tip: this.options.peers.tipInfo() };
    box.busy = true;
    this.options.transport.announce(url, inv).then(
      () => {
        box.busy = false;
        this.options.peers.succeeded(url);
        this.send(url, box);
      },
      (error: unknown) => {
        box.busy = false;
        this.options.peers.failed(url, error);
        if (this.options.peers.get(url) === undefined) this.outboxes.delete(url);
        else this.send(url, box);
      },
    );
  }

  /** Handles an announcement from a connected peer; never waits on the peer. */
  receive(peer: Peer, inv: Inv): void {
    const box = this.outbox(peer.url);
    for (const key of [...inv.posts, ...inv.blocks]) box.known.add(key);
    if (inv.tip !== undefined) this.options.peers.updateTip(peer, inv.tip);
    void this.fetchPosts(peer.url, inv.posts);
    void this.fetchBlocks(peer.url, inv.blocks);
    if (peer.chainwork > this.options.chain.tip.chainwork && inv.blocks.length === 0) {
      this.options.requestSync(peer.url);
    }
  }

  /**
   * Fetches the posts of `ids` this node lacks and is not already fetching from the peer, 100
   * per request, through the pool's admission; announcements and mempool sync both use it.
   */
  async fetchPosts(url: string, ids: readonly string[]): Promise<void> {
    const posts = this.options.posts;
    const wanted = ids.filter((id) => !this.requested.has(id) && !posts.hasPost(id));
    for (let start = 0; start < wanted.length && !this.stopped; start += LIMITS.postsPerRequest) {
      const chunk = wanted.slice(start, start + LIMITS.postsPerRequest);
      for (const id of chunk) this.requested.add(id);
      let list: readonly Unchecked[];
      try {
        list = await this.options.transport.posts(url, chunk);
        this.options.peers.succeeded(url);
      } catch (error) {
        // Timeouts count as failures; a malformed answer (P2P_BAD_MESSAGE) as misbehaviour.
        for (const id of chunk) this.requested.delete(id);
        this.options.peers.failed(url, error);
        return;
      }
      const asked = new Set(chunk);
      // Submitted together, so the whole answer shares one group commit of the pool.
      const outcomes = await Promise.allSettled(list.map((item) => this.options.mempool.submit(item)));
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') {
          if (!asked.has(outcome.value.id)) {
            this.options.peers.misbehaved(
              url,
              P2PErrorCode.UNREQUESTED,
              `post ${outcome.value.id} was not asked for`,
            );
          }
        } else {
          const error = outcome.reason as Error;
          const code = error instanceof NodeError ? error.code : P2PErrorCode.BAD_MESSAGE;
          this.options.peers.misbehaved(url, code, error.message);
          if (this.options.peers.isDiscouraged(url)) return;
        }
      }
    }
  }

  private async fetchBlocks(url: string, hashes: readonly string[]): Promise<void> {
    const { chain, orphans } = this.options;
    const wanted = hashes.filter(
      (hash) => !this.requested.has(hash) && !chain.hasBlock(hash) && !orphans.has(hash),
    );
    if (wanted.length === 0 || this.stopped) return;
    for (const hash of wanted) this.requested.add(hash);
    const whole = await this.fetchCompact(url, wanted);
    if (whole !== undefined && whole.length > 0) await this.fetchWhole(url, whole);
    // Asked but not stored: let another announcement try again.
    for (const hash of wanted) if (!chain.hasBlock(hash) && !orphans.has(hash)) this.requested.delete(hash);
  }

  /**
   * Tries each block compactly, in order (a child after its parent); answers the hashes to fetch
   * whole, or undefined once the peer failed or misbehaved.
   */
  private async fetchCompact(url: string, wanted: readonly string[]): Promise<string[] | undefined> {
    const compact = this.options.compact;
    if (compact === undefined || wanted.length > COMPACT_MAX_BLOCKS) return [...wanted];
    const whole: string[] = [];
    for (const hash of wanted) {
      if (this.stopped) return undefined;
      const outcome = await compact.receive(url, hash);
      if (outcome === 'failed') return undefined;
      if (outcome === 'fallback') whole.push(hash);
    }
    return whole;
  }

  /** Fetches blocks whole (§4.1 form) and hands them to the intake. */
  private async fetchWhole(url: string, wanted: readonly string[]): Promise<void> {
    let list: readonly Unchecked[];
    try {
      list = await this.options.transport.blocks(url, wanted);
      this.options.peers.succeeded(url);
    } catch (error) {
      this.options.peers.failed(url, error);
      return;
    }
    const asked = new Set(wanted);
    let orphaned = false;
    for (const item of list) {
      const hash = claimedHash(item);
      if (hash === undefined || !asked.has(hash)) {
        this.options.peers.misbehaved(url, P2PErrorCode.UNREQUESTED, 'a block that was not asked for');
        return;
      }
      const outcome = this.options.intake.accept(item, url, JSON.stringify(item).length);
      if (outcome.ok && outcome.status !== 'duplicate') this.options.peers.sentBlock(url);
      if (!outcome.ok && outcome.code === P2PErrorCode.ORPHAN) orphaned = true;
      if (!outcome.ok && this.options.peers.isDiscouraged(url)) return;
    }
    // An announcement that does not connect: fetch the missing ancestors headers-first.
    if (orphaned) this.options.requestSync(url);
    // It announced blocks and then served none of them: it wastes our time (issue 9, finding 9).
    if (list.length === 0) {
      this.options.peers.misbehaved(url, P2PErrorCode.STALLING, 'announced blocks it then did not serve');
    }
  }
}
