import { decodeBits } from '../../core/compact.ts';
import { blockWork } from '../../core/pow.ts';
import { NodeError, NodeErrorCode } from '../errors.ts';
import type { CompactRelay } from './compact-relay.ts';
import { P2PErrorCode, PeerError } from './errors.ts';
import type { BlockIntake } from './intake.ts';
import { type CompactBlock, claimedHash, type Inv, LIMITS, type Unchecked } from './messages.ts';
import type { OrphanPool } from './orphans.ts';
import type { Log, Peer, PeerManager } from './peer-manager.ts';
import type { ChainView, PendingPool, PostLookup } from './ports.ts';
import { BoundedSet } from './seen.ts';
import type { NetStats, PeerTransport } from './transport.ts';

/** Most recently connected block hashes announced in one inv (the rest come by sync). */
const ANNOUNCE_BLOCKS = 8;
/** Announcements of more new blocks than this are fetched whole (a catch-up, not a relay). */
const COMPACT_MAX_BLOCKS = 4;
/**
 * Outbound peers a new block's compact form is pushed to (high-bandwidth relay, §11.8): a few,
 * as BIP152 (each push costs its bytes at a peer that may already have the block from another).
 */
export const HIGH_BANDWIDTH_PEERS = 3;
/** Post ids whose announcers are remembered, for asking another one after a failure. */
const ANNOUNCERS_KEPT = 20_000;
/** Announcers remembered per post id. */
const ANNOUNCERS_PER_POST = 4;
/**
 * A failed announcement is sent again after this long, while the peer stays connected (an
 * unreachable one for up to a minute, §11.7): so a link that drops for a while (a partition)
 * loses nothing, and the first resend after it returns crosses it without a new handshake.
 */
export const ANNOUNCE_RETRY_MS = 1000;
/** How long a pushed block waits for its parent, itself being fetched, before the orphan path. */
const PARENT_WAIT_MS = 5000;

/** The promise, marked handled: a prefetch left unread (the run stopped early) is no crash. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * For each block of an announced run, the work its later blocks' headers claim (0 for a form
 * that did not come or whose bits do not decode: the run is then judged without it). Claims
 * only: each header is checked when its own turn comes, and a false one costs its sender a
 * score there.
 */
async function claimedWorkAfter(
  hashes: readonly string[],
  forms: ReadonlyMap<string, Promise<CompactBlock>>,
): Promise<bigint[]> {
  const works = await Promise.all(
    hashes.map(async (hash) => {
      const form = await forms.get(hash)?.catch(() => undefined);
      const bits = (form?.header as { bits?: unknown } | undefined)?.bits;
      const target = typeof bits === 'number' ? decodeBits(bits) : undefined;
      return target === undefined || target <= 0n ? 0n : blockWork(target);
    }),
  );
  const after: bigint[] = new Array(hashes.length).fill(0n);
  for (let i = hashes.length - 2; i >= 0; i--) after[i] = after[i + 1]! + works[i + 1]!;
  return after;
}

/** Resolves after `ms` without holding the process open. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

interface Outbox {
  posts: Set<string>;
  blocks: string[];
  /** One request in flight per lane: blocks never wait behind posts. */
  postsBusy: boolean;
  blocksBusy: boolean;
  /** The peer answered 404 to a push (an older node): it gets inv only. */
  noPush: boolean;
  /** A resend of failed announcements is scheduled. */
  retry: NodeJS.Timeout | undefined;
  /** Ids and hashes this peer already has (it announced them, or we did). */
  known: BoundedSet;
}

export interface GossipOptions {
  readonly chain: Pick<ChainView, 'tip' | 'hasBlock'>;
  readonly posts: Pick<PostLookup, 'holdsPost'>;
  readonly mempool: Pick<PendingPool, 'submit'>;
  readonly peers: PeerManager;
  readonly transport: PeerTransport;
  readonly intake: Pick<BlockIntake, 'accept'>;
  readonly orphans: Pick<OrphanPool, 'has'>;
  readonly log: Log;
  /** Ask for a headers-first sync with a peer (an announcement that does not connect). */
  readonly requestSync: (url: string) => void;
  /** Compact relay (§11.8); without it every announced block is fetched whole. */
  readonly compact?: Pick<CompactRelay, 'receive' | 'compactOf'>;
  /** Traffic counters (pushes, retries). */
  readonly stats?: NetStats;
}

/**
 * Announcements (inv) of new posts and blocks and the fetches they trigger. Outgoing: batched
 * per event-loop turn, one request in flight per peer and lane (blocks and posts apart, so a
 * block never waits behind posts; a slow peer only delays itself), nothing announced to a peer
 * that already has it; a new block's compact form is pushed unasked to outbound peers
 * (high-bandwidth relay) and announced by inv to the others. Incoming: only what the node lacks
 * and is not already fetching is requested, from the peer that announced it (a failed post
 * fetch is asked of another announcer); only valid data enters the pool or the chain, and only
 * that is announced further.
 */
export class Gossip {
  private readonly outboxes = new Map<string, Outbox>();
  private readonly queuedPosts = new Set<string>();
  private queuedBlocks: string[] = [];
  private flushScheduled = false;
  /** Posts and blocks requested (or being requested) from some peer. */
  private readonly requested = new BoundedSet(50_000);
  /** Peers that announced a post id (newest last), so a failed fetch is asked of another. */
  private readonly announcers = new Map<string, string[]>();
  /** Blocks being fetched or rebuilt, settled when that ends (a pushed child waits on its parent). */
  private readonly inflight = new Map<string, Promise<void>>();
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
      box = {
        posts: new Set(),
        blocks: [],
        postsBusy: false,
        blocksBusy: false,
        noPush: false,
        retry: undefined,
        known: new BoundedSet(20_000),
      };
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
    const pushTo = this.highBandwidthPeers();
    for (const peer of this.options.peers.connected) {
      const box = this.outbox(peer.url);
      for (const id of posts) if (!box.known.has(id)) box.posts.add(id);
      for (const hash of blocks) if (!box.known.has(hash)) box.blocks.push(hash);
      if (box.blocks.length > ANNOUNCE_BLOCKS) box.blocks.splice(0, box.blocks.length - ANNOUNCE_BLOCKS);
      this.sendBlocks(peer.url, box, pushTo.has(peer.url));
      this.sendPosts(peer.url, box);
    }
  }

  /** The outbound peers that get new blocks pushed (BIP152's high-bandwidth mode, sender-chosen). */
  private highBandwidthPeers(): Set<string> {
    const out = new Set<string>();
    if (this.options.transport.pushCompact === undefined || this.options.compact === undefined) return out;
    for (const peer of this.options.peers.connected) {
      if (out.size >= HIGH_BANDWIDTH_PEERS) break;
      if (peer.direction === 'outbound' && this.outboxes.get(peer.url)?.noPush !== true) out.add(peer.url);
    }
    return out;
  }

  /**
   * A block that extends the tip, its header checked and its posts all here, before it is fully
   * validated and stored (compact-relay.ts): its compact form, as received, is pushed at once to
   * the high-bandwidth peers whose block lane is free (BIP152: relay after the header checks). It
   * is marked known there, so the announcement after it connects skips them; a push that fails
   * leaves it to that announcement (queued again if the block already connected). A block that
   * then fails validation is never announced further.
   */
  relayEarly(hash: string, form: CompactBlock, from: string): void {
    if (this.stopped || this.options.transport.pushCompact === undefined) return;
    for (const url of this.highBandwidthPeers()) {
      const box = this.outbox(url);
      if (url === from || box.blocksBusy || box.known.has(hash)) continue;
      box.known.add(hash);
      box.blocksBusy = true;
      this.options.transport.pushCompact(url, form).then(
        () => {
          box.blocksBusy = false;
          if (this.options.stats !== undefined) this.options.stats.relay.pushesEarly++;
          this.options.peers.succeeded(url);
          this.sendBlocks(url, box, true);
        },
        (error: unknown) => {
          box.blocksBusy = false;
          box.known.delete(hash);
          if (error instanceof PeerError && error.code === NodeErrorCode.NOT_FOUND) box.noPush = true;
          if (this.options.chain.hasBlock(hash) && !box.blocks.includes(hash)) box.blocks.push(hash);
          if (box.noPush) this.sendBlocks(url, box, false);
          else this.failedSend(url, box, error);
        },
      );
    }
  }

  /** Sends the peer's queued post announcements unless a post inv to it is in flight. */
  private sendPosts(url: string, box: Outbox): void {
    if (box.postsBusy || this.stopped || box.posts.size === 0) return;
    const posts = [...box.posts].slice(0, LIMITS.invPosts);
    for (const id of posts) {
      box.posts.delete(id);
      box.known.add(id);
    }
    // No tip: a tip ahead of the receiver without the block's hash would make it start a sync
    // while the block lane's push or inv is still on its way.
    const inv: Inv = { posts, blocks: [], tip: undefined };
    box.postsBusy = true;
    this.options.transport.announce(url, inv).then(
      () => {
        box.postsBusy = false;
        this.options.peers.succeeded(url);
        this.sendPosts(url, box);
      },
      (error: unknown) => {
        box.postsBusy = false;
        for (const id of posts) {
          box.known.delete(id);
          box.posts.add(id);
        }
        this.failedSend(url, box, error);
      },
    );
  }

  /**
   * Sends the peer's queued blocks unless a block message to it is in flight: pushed compactly
   * to a high-bandwidth peer (a few new blocks), else announced by inv with this node's tip.
   */
  private sendBlocks(url: string, box: Outbox, push: boolean): void {
    if (box.blocksBusy || this.stopped || box.blocks.length === 0) return;
    const blocks = box.blocks;
    box.blocks = [];
    for (const hash of blocks) box.known.add(hash);
    box.blocksBusy = true;
    const pushing = push && !box.noPush && blocks.length <= COMPACT_MAX_BLOCKS;
    (pushing ? this.push(url, box, blocks) : this.invBlocks(url, blocks)).then(
      () => {
        box.blocksBusy = false;
        this.options.peers.succeeded(url);
        this.sendBlocks(url, box, push);
      },
      (error: unknown) => {
        box.blocksBusy = false;
        for (const hash of blocks) box.known.delete(hash);
        box.blocks = [...blocks, ...box.blocks].slice(-ANNOUNCE_BLOCKS);
        this.failedSend(url, box, error);
      },
    );
  }

  private invBlocks(url: string, blocks: string[]): Promise<void> {
    return this.options.transport.announce(url, { posts: [], blocks, tip: this.options.peers.tipInfo() });
  }

  /** Pushes each block's compact form in order (a parent first); an older peer (404) gets inv. */
  private async push(url: string, box: Outbox, blocks: string[]): Promise<void> {
    const { transport, compact, stats } = this.options;
    const forms = blocks.map((hash) => compact!.compactOf(hash) as CompactBlock | undefined);
    if (forms.some((form) => form === undefined)) return this.invBlocks(url, blocks);
    // All at once, a parent first (a reorganisation's blocks): the receiver holds a child whose
    // parent is still on its way (fetchBlocks), so a hop costs one latency, not one per block.
    const sent = await Promise.allSettled(forms.map((form) => transport.pushCompact!(url, form!)));
    if (stats !== undefined) stats.relay.pushesSent += sent.filter((s) => s.status === 'fulfilled').length;
    const failed = sent.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed === undefined) return;
    const error = failed.reason as unknown;
    if (!(error instanceof PeerError && error.code === NodeErrorCode.NOT_FOUND)) throw error;
    box.noPush = true;
    return this.invBlocks(url, blocks);
  }

  /**
   * A failed send: the peer's failure counts; a peer gone takes its outbox with it; otherwise
   * what was not delivered is sent again after ANNOUNCE_RETRY_MS.
   */
  private failedSend(url: string, box: Outbox, error: unknown): void {
    this.options.peers.failed(url, error);
    if (this.options.peers.get(url) === undefined) {
      clearTimeout(box.retry);
      this.outboxes.delete(url);
      return;
    }
    // Only an unreachable peer (a link down) is retried: a timeout means a slow peer, and
    // resending to it would add to its load; its announcements go with the next ones.
    const code = error instanceof PeerError ? error.code : undefined;
    if (code !== P2PErrorCode.UNREACHABLE) return;
    if (box.retry !== undefined) return;
    box.retry = setTimeout(() => {
      box.retry = undefined;
      if (this.outboxes.get(url) !== box) return;
      this.sendBlocks(url, box, this.highBandwidthPeers().has(url));
      this.sendPosts(url, box);
    }, ANNOUNCE_RETRY_MS);
    box.retry.unref();
  }

  /** Handles an announcement from a connected peer; never waits on the peer. */
  receive(peer: Peer, inv: Inv): void {
    const box = this.outbox(peer.url);
    for (const key of [...inv.posts, ...inv.blocks]) box.known.add(key);
    for (const id of inv.posts) this.announced(id, peer.url);
    if (inv.tip !== undefined) this.options.peers.updateTip(peer, inv.tip);
    void this.fetchPosts(peer.url, inv.posts);
    void this.fetchBlocks(peer.url, inv.blocks);
    if (peer.chainwork > this.options.chain.tip.chainwork && inv.blocks.length === 0) {
      this.options.requestSync(peer.url);
    }
  }

  /**
   * A compact block a peer pushed (POST /p2p/cmpctblock): rebuilt from the pool like an
   * announced one, without asking for it first; never waits on the peer.
   */
  receiveCompact(peer: Peer, compact: CompactBlock): void {
    const hash = (compact.header as { hash: string }).hash;
    this.outbox(peer.url).known.add(hash);
    if (this.options.stats !== undefined) this.options.stats.relay.pushesReceived++;
    void this.fetchBlocks(peer.url, [hash], compact);
  }

  /** Remembers that `url` announced post `id` (bounded: oldest ids forgotten first). */
  private announced(id: string, url: string): void {
    if (this.options.posts.holdsPost(id)) return;
    let list = this.announcers.get(id);
    if (list === undefined) {
      list = [];
      this.announcers.set(id, list);
      if (this.announcers.size > ANNOUNCERS_KEPT) {
        this.announcers.delete(this.announcers.keys().next().value as string);
      }
    }
    if (!list.includes(url)) {
      list.push(url);
      if (list.length > ANNOUNCERS_PER_POST) list.shift();
    }
  }

  /**
   * Posts a fetch from `failedUrl` did not bring: each asked of another connected peer that
   * announced it (each peer asked once per post, so this ends).
   */
  private retryPosts(failedUrl: string, ids: readonly string[]): void {
    const byPeer = new Map<string, string[]>();
    for (const id of ids) {
      const list = this.announcers.get(id);
      if (list === undefined) continue;
      const remaining = list.filter((url) => url !== failedUrl);
      if (remaining.length === 0) {
        this.announcers.delete(id);
        continue;
      }
      this.announcers.set(id, remaining);
      const next = remaining.find((url) => this.options.peers.get(url) !== undefined);
      if (next === undefined || this.options.posts.holdsPost(id)) continue;
      byPeer.set(next, [...(byPeer.get(next) ?? []), id]);
    }
    for (const [url, list] of byPeer) {
      if (this.options.stats !== undefined) this.options.stats.relay.postRetries += list.length;
      void this.fetchPosts(url, list);
    }
  }

  /**
   * Fetches the posts of `ids` this node lacks and is not already fetching from the peer, 100
   * per request, through the pool's admission; announcements and mempool sync both use it.
   */
  async fetchPosts(url: string, ids: readonly string[]): Promise<void> {
    const posts = this.options.posts;
    const wanted = ids.filter((id) => !this.requested.has(id) && !posts.holdsPost(id));
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
        this.retryPosts(url, wanted.slice(start));
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
      // Asked, not served (the peer no longer has it): free to ask another announcer.
      const served = new Set(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.id] : [])));
      const unserved = chunk.filter((id) => !served.has(id) && !posts.holdsPost(id));
      for (const id of unserved) this.requested.delete(id);
      for (const id of served) this.announcers.delete(id);
      if (unserved.length > 0) this.retryPosts(url, unserved);
    }
  }

  private async fetchBlocks(url: string, hashes: readonly string[], pushed?: CompactBlock): Promise<void> {
    const { chain, orphans } = this.options;
    const wanted = hashes.filter(
      (hash) => !this.requested.has(hash) && !chain.hasBlock(hash) && !orphans.has(hash),
    );
    if (wanted.length === 0 || this.stopped) return;
    const started = performance.now();
    const lighter = new Set<string>();
    for (const hash of wanted) this.requested.add(hash);
    let done: () => void = () => {};
    const fetched = new Promise<void>((resolve) => {
      done = resolve;
    });
    for (const hash of wanted) this.inflight.set(hash, fetched);
    try {
      // A pushed child of a block still on its way (pushes of a reorganisation arrive together):
      // it waits for its parent (bounded), instead of falling back to the whole block.
      const parent = (pushed?.header as { previous_hash?: unknown } | undefined)?.previous_hash;
      const waiting = typeof parent === 'string' ? this.inflight.get(parent) : undefined;
      if (waiting !== undefined) await Promise.race([waiting, delay(PARENT_WAIT_MS)]);
      const outcome = await this.fetchCompact(url, wanted, pushed);
      for (const hash of outcome?.lighter ?? []) lighter.add(hash);
      if (outcome !== undefined && outcome.whole.length > 0) await this.fetchWhole(url, outcome.whole);
    } finally {
      for (const hash of wanted) if (this.inflight.get(hash) === fetched) this.inflight.delete(hash);
      done();
    }
    // Asked but not stored: let another announcement try again. A block of a lighter branch
    // stays "requested" (bounded), so further announcements of it cost nothing.
    let stored = 0;
    for (const hash of wanted) {
      if (chain.hasBlock(hash)) stored++;
      else if (!orphans.has(hash) && !lighter.has(hash)) this.requested.delete(hash);
    }
    // Where relay time goes, block by block (--log-level debug).
    this.options.log(
      'debug',
      `blocks ${wanted.map((hash) => hash.slice(0, 12)).join(' ')} from ${url} (${pushed === undefined ? 'inv' : 'pushed'}): ${stored} of ${wanted.length} stored in ${Math.round(performance.now() - started)} ms`,
    );
  }

  /**
   * Tries each block compactly, in order (a child after its parent); answers the hashes to fetch
   * whole and those of a branch lighter than the tip (left alone), or undefined once the peer
   * failed or misbehaved.
   */
  private async fetchCompact(
    url: string,
    wanted: readonly string[],
    pushed?: CompactBlock,
  ): Promise<{ whole: string[]; lighter: string[] } | undefined> {
    const compact = this.options.compact;
    if (compact === undefined || wanted.length > COMPACT_MAX_BLOCKS)
      return { whole: [...wanted], lighter: [] };
    // An announced run of blocks (a reorganisation): their compact forms are asked for at once,
    // one latency instead of one per block; they are still rebuilt and accepted in order.
    const ask = this.options.transport.compactBlock?.bind(this.options.transport);
    const prefetched =
      pushed === undefined && wanted.length > 1 && ask !== undefined
        ? new Map(wanted.map((hash) => [hash, handled(ask(url, hash))]))
        : undefined;
    // A run is judged by where it ends: its first blocks may weigh less than the tip alone.
    const laterWork = prefetched === undefined ? [] : await claimedWorkAfter(wanted, prefetched);
    const whole: string[] = [];
    const lighter: string[] = [];
    for (const [i, hash] of wanted.entries()) {
      if (this.stopped) return undefined;
      const outcome = await compact.receive(url, hash, pushed, prefetched?.get(hash), laterWork[i]);
      if (outcome === 'failed') return undefined;
      if (outcome === 'fallback') whole.push(hash);
      if (outcome === 'lighter') lighter.push(hash);
    }
    return { whole, lighter };
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
