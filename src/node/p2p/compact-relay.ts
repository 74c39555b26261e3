import { checkBlockHeader } from '../../core/block.ts';
import type { CryptoPort } from '../../core/crypto.ts';
import { ErrorCode } from '../../core/errors.ts';
import { merkleRoot } from '../../core/merkle.ts';
import { checkPost, identifyPost, type Post } from '../../core/post.ts';
import { blockWork } from '../../core/pow.ts';
import { acceptHeader, type HashedHeader } from '../chain/header-acceptance.ts';
import { NodeErrorCode } from '../errors.ts';
import { compactForm, rebuild, ShortIdIndex } from './compact-block.ts';
import { P2PErrorCode, PeerError } from './errors.ts';
import type { BlockIntake } from './intake.ts';
import type { CompactBlock, Unchecked } from './messages.ts';
import type { Log, PeerManager } from './peer-manager.ts';
import type { ChainView, PostLookup } from './ports.ts';
import type { NetStats, PeerTransport } from './transport.ts';

/** Blocks whose post ids are kept for serving compact forms (the recent ones peers ask for). */
const SERVED_IDS_KEPT = 64;
/** Compact forms of blocks left alone as lighter, kept for a child that makes their branch heaviest. */
const LIGHTER_FORMS_KEPT = 16;

/** What became of a block fetched compactly. */
export type CompactOutcome =
  /** It went to the intake (accepted, duplicate or kept as an orphan; a rejection is scored there). */
  | 'done'
  /** Fetch the full block instead (an old peer, an unknown parent, a mismatch). */
  | 'fallback'
  /** The peer failed or misbehaved: nothing more is asked of it for this block. */
  | 'failed'
  /**
   * Its branch (with the blocks announced after it) has less work than the tip: neither its
   * missing posts nor its validation are worth anything now (Bitcoin Core ignores such a
   * compact block too); a child that makes the branch heavier brings it by sync (§11.8).
   */
  | 'lighter';

export interface CompactRelayOptions {
  readonly chain: Pick<ChainView, 'params' | 'tip' | 'hasBlock' | 'blockBody' | 'getEntry' | 'parentContext'>;
  readonly posts: Pick<PostLookup, 'storedPost'>;
  readonly peers: Pick<PeerManager, 'misbehaved' | 'failed' | 'succeeded' | 'sentBlock'>;
  readonly transport: PeerTransport;
  readonly intake: Pick<BlockIntake, 'accept'>;
  readonly crypto: CryptoPort;
  readonly stats: NetStats;
  readonly log: Log;
  /** The validator's clock, seconds (tests pass a fixed one). */
  readonly now?: () => number;
  /** Short ids remembered for rebuilding (default 200,000: twice the default pool). */
  readonly indexCapacity?: number;
}

/**
 * Compact block relay, low-bandwidth mode (BIP152's idea, docs/PROTOCOL.md §11.8). Receiving:
 * the header and short ids, the header checked before anything else, the posts taken from this
 * node's store, only the missing ones asked of the same peer in one request, the merkle root
 * compared, then the rebuilt block goes through the intake like any block. Any doubt falls back
 * to the full block. Serving: the compact form and posts by position of stored blocks.
 */
export class CompactRelay {
  /** Short ids of the posts this node has seen; fed by the pool's `added` hook. */
  readonly index: ShortIdIndex;
  /** Post ids of recently connected blocks, so serving a compact form hashes no post. */
  private readonly servedIds = new Map<string, readonly string[]>();
  /**
   * Blocks left alone because their branch was lighter than the tip, newest last: a reorganisation
   * pushed block by block (each push its own message) offers a branch's first blocks before the
   * one that makes it the heaviest, and that one then takes its parents from here.
   */
  private readonly lighterForms = new Map<string, { url: string; compact: CompactBlock }>();
  /**
   * High-bandwidth relay before full validation (BIP152): called with a block that extends the
   * tip, whose header passed every header check and whose posts are all here, before the
   * signatures, the store and the rest of connecting it. Gossip sets it (network.ts).
   */
  relayEarly: ((hash: string, compact: CompactBlock, from: string) => void) | undefined;

  constructor(private readonly options: CompactRelayOptions) {
    this.index = new ShortIdIndex(options.indexCapacity ?? 200_000);
  }

  /** A post entered the pool (or was there at start): it can fill compact blocks. */
  remember(id: string): void {
    this.index.add(id);
  }

  /** A block connected here: its ids are kept for serving it compactly. */
  connected(hash: string, ids: readonly string[]): void {
    this.servedIds.set(hash, ids);
    if (this.servedIds.size > SERVED_IDS_KEPT) {
      this.servedIds.delete(this.servedIds.keys().next().value as string);
    }
  }

  /** GET /p2p/compact: the compact form of a stored block, or undefined. */
  compactOf(hash: string): { header: unknown; ids: string[] } | undefined {
    const block = this.options.chain.blockBody(hash);
    if (block === undefined) return undefined;
    let ids = this.servedIds.get(hash);
    if (ids === undefined || ids.length !== block.transactions.length) {
      ids = block.transactions.map((post) => identifyPost(post, this.options.crypto).id);
    }
    return compactForm(block, ids);
  }

  /**
   * POST /p2p/blocktxn: the posts of a stored block at ascending `indexes`; undefined when the
   * block is not stored or a position is past its end.
   */
  postsAt(hash: string, indexes: readonly number[]): Post[] | undefined {
    const posts = this.options.chain.blockBody(hash)?.transactions;
    if (posts === undefined || indexes[indexes.length - 1]! >= posts.length) return undefined;
    return indexes.map((index) => posts[index]!);
  }

  /**
   * Fetches the block `hash` announced by `url` compactly (or awaits the request `prefetched`
   * already sent), or takes the compact form `url` pushed (high-bandwidth relay: no request
   * before the missing posts); never throws. `laterWork` is the work the blocks announced after
   * it in the same run claim (their headers are checked when their turn comes).
   */
  async receive(
    url: string,
    hash: string,
    pushed?: CompactBlock,
    prefetched?: Promise<CompactBlock>,
    laterWork = 0n,
  ): Promise<CompactOutcome> {
    const { transport, peers, chain, stats } = this.options;
    const started = performance.now();
    if (transport.blockPosts === undefined) return 'fallback';
    let compact: CompactBlock;
    if (pushed !== undefined) compact = pushed;
    else if (transport.compactBlock === undefined) return 'fallback';
    else {
      try {
        compact = await (prefetched ?? transport.compactBlock(url, hash));
        peers.succeeded(url);
      } catch (error) {
        return this.failure(url, error);
      }
    }
    // Header before body: form, hash and proof of work cost one hash; a bad one is the sender's.
    const head = checkBlockHeader({ ...(compact.header as object), transactions: [] }, chain.params);
    if (!head.ok) {
      peers.misbehaved(url, head.code, `compact block: ${head.message}`);
      return 'failed';
    }
    const header = head.value.header;
    if (compact.ids.length > chain.params.maxBlockPosts) {
      peers.misbehaved(
        url,
        P2PErrorCode.BAD_MESSAGE,
        `compact block: more than ${chain.params.maxBlockPosts} ids`,
      );
      return 'failed';
    }
    if (chain.hasBlock(hash)) return 'done';
    const work = blockWork(head.value.target);
    let parent = chain.getEntry(header.previous_hash);
    const kept = parent === undefined ? this.lighterForms.get(header.previous_hash) : undefined;
    if (kept !== undefined) {
      // A parent left alone as lighter: with this block's work its branch may weigh enough now.
      this.lighterForms.delete(header.previous_hash);
      await this.receive(kept.url, header.previous_hash, kept.compact, undefined, laterWork + work);
      parent = chain.getEntry(header.previous_hash);
    }
    // A parent we lack: the orphan path of the full block, then headers-first sync.
    if (parent === undefined) {
      if (!this.lighterForms.has(header.previous_hash)) return 'fallback';
      this.keepLighter(hash, url, compact); // still lighter with this block
      return 'lighter';
    }
    // After a healed partition every node of the heavier side was offered the lighter side's
    // blocks: fetching their posts and validating them took CPU the reorganisation needed.
    if (parent.chainwork + work + laterWork < chain.tip.chainwork) {
      this.keepLighter(hash, url, compact);
      return 'lighter';
    }
    const formAt = performance.now();
    const rebuilt = rebuild(compact.ids, this.index, (id) => this.options.posts.storedPost(id));
    const fromPool = compact.ids.length - rebuilt.missing.length;
    if (rebuilt.missing.length > 0) {
      const filled = await this.fillMissing(url, hash, compact.ids, rebuilt);
      if (filled !== 'done') return filled;
    }
    const filledAt = performance.now();
    const ids = rebuilt.ids as string[];
    if (merkleRoot(ids) !== header.merkle_root) {
      stats.relay.fallbacks++;
      this.options.log('debug', `compact block ${hash}: ${P2PErrorCode.COMPACT_MISMATCH}, fetching it whole`);
      return 'fallback';
    }
    stats.relay.compactBlocks++;
    stats.relay.postsFromPool += fromPool;
    stats.relay.postsFetched += rebuilt.missing.length;
    if (!(await this.relayFirst(url, hash, header, compact.ids, pushed !== undefined))) return 'failed';
    if (chain.hasBlock(hash)) return 'done';
    const block = { ...header, transactions: rebuilt.posts as Post[] };
    // A pushed block may have been relayed by its sender before it validated the body
    // (BIP152's high-bandwidth mode, as this node does): a body that fails is not scored.
    const outcome = this.options.intake.accept(
      block,
      url,
      JSON.stringify(block).length,
      {},
      pushed !== undefined,
    );
    if (outcome.ok && outcome.status !== 'duplicate') peers.sentBlock(url);
    const ms = (from: number, to: number) => Math.round(to - from);
    this.options.log(
      'debug',
      `compact block ${hash.slice(0, 12)}: form ${ms(started, formAt)} ms, ${rebuilt.missing.length} missing posts ${ms(formAt, filledAt)} ms, accepted (${outcome.ok ? outcome.status : outcome.code}) ${ms(filledAt, performance.now())} ms`,
    );
    return 'done';
  }

  /**
   * The header rules against the parent (difficulty, median time past, not too far in the
   * future) for every compact block; a header that fails is the sender's fault (scored, false),
   * except a pushed block already known invalid here (its pusher may have relayed it before
   * validating it, as this node does). Then, before full validation, a block that extends the
   * tip is passed on to the high-bandwidth peers, and the event loop turns once so the pushes
   * leave before the synchronous validation and commit. A block on a side branch is relayed
   * after it connects, as before.
   */
  private async relayFirst(
    url: string,
    hash: string,
    header: HashedHeader,
    ids: readonly string[],
    pushed: boolean,
  ): Promise<boolean> {
    const { chain, peers } = this.options;
    const now = this.options.now?.() ?? Date.now() / 1000;
    const verdict = acceptHeader(header, chain, chain.params, now);
    if (!verdict.ok) {
      if (!(pushed && verdict.code === ErrorCode.BLOCK_KNOWN_INVALID)) {
        peers.misbehaved(url, verdict.code, `compact block: ${verdict.message}`);
      }
      return false;
    }
    if (verdict.known !== undefined || this.relayEarly === undefined) return true;
    if (header.previous_hash !== chain.tip.hash) return true;
    const { transactions: _none, ...fields } = header as HashedHeader & { transactions?: unknown };
    this.relayEarly(hash, { header: fields, ids: [...ids] }, url);
    await new Promise<void>((resolve) => setImmediate(resolve));
    return true;
  }

  /** Asks the peer for the posts at the missing positions (one request) and checks each against its short id. */
  private async fillMissing(
    url: string,
    hash: string,
    shortIds: readonly string[],
    rebuilt: ReturnType<typeof rebuild>,
  ): Promise<CompactOutcome> {
    const { transport, peers, crypto } = this.options;
    let list: readonly Unchecked[];
    try {
      list = await transport.blockPosts!(url, hash, rebuilt.missing);
      peers.succeeded(url);
    } catch (error) {
      return this.failure(url, error);
    }
    if (list.length !== rebuilt.missing.length) {
      peers.misbehaved(
        url,
        P2PErrorCode.COMPACT_UNSERVED,
        `served ${list.length} of ${rebuilt.missing.length} posts`,
      );
      this.options.stats.relay.fallbacks++;
      return 'fallback';
    }
    for (let i = 0; i < list.length; i++) {
      const position = rebuilt.missing[i]!;
      const checked = checkPost(list[i], crypto);
      if (!checked.ok) {
        peers.misbehaved(url, checked.code, `compact block post ${position}: ${checked.message}`);
        return 'failed';
      }
      if (!checked.value.id.startsWith(shortIds[position]!)) {
        peers.misbehaved(
          url,
          P2PErrorCode.COMPACT_UNSERVED,
          `post ${position} is not the one its short id names`,
        );
        this.options.stats.relay.fallbacks++;
        return 'fallback';
      }
      rebuilt.posts[position] = checked.value.post;
      rebuilt.ids[position] = checked.value.id;
    }
    return 'done';
  }

  private keepLighter(hash: string, url: string, compact: CompactBlock): void {
    this.options.stats.relay.lighterSkipped++;
    this.lighterForms.delete(hash);
    this.lighterForms.set(hash, { url, compact });
    if (this.lighterForms.size > LIGHTER_FORMS_KEPT) {
      this.lighterForms.delete(this.lighterForms.keys().next().value as string);
    }
  }

  /** A failed request: an old peer (404) falls back quietly; anything else is the peer's failure. */
  private failure(url: string, error: unknown): CompactOutcome {
    if (error instanceof PeerError && error.code === NodeErrorCode.NOT_FOUND) {
      this.options.stats.relay.fallbacks++;
      return 'fallback';
    }
    this.options.peers.failed(url, error);
    return 'failed';
  }
}
