import type { Statement } from 'better-sqlite3';
import type { Block } from '../../core/block.ts';
import { bigIntToHex256, fromHex, toHex } from '../../core/bytes.ts';
import { decodeBits } from '../../core/compact.ts';
import { EMPTY_MERKLE_ROOT, type MerkleProof, merkleProof } from '../../core/merkle.ts';
import type { Post } from '../../core/post.ts';
import { sha256Short } from '../../core/sha256-fixed.ts';
import type { Chain } from '../chain/chain.ts';
import { NodeError, NodeErrorCode } from '../errors.ts';
import type { Db } from './database.ts';
import { type PostRow, postFromRow } from './posts.ts';
import { SearchIndex } from './search-index.ts';

/** A post as the read API shows it: the protocol form plus where it stands. */
export interface PostView {
  readonly id: string;
  /** Arrival sequence number: the cursor of the feed (`before`) and of the pending list (`after`). */
  readonly seq: number;
  /** The protocol form: author, content, timestamp, and pubkey, reply_to, signature when present. */
  readonly post: Post;
  readonly status: 'pending' | 'confirmed';
  /** The best-chain block confirming it (confirmed posts only). */
  readonly block?: { readonly hash: string; readonly height: number; readonly position: number };
  /** 1 when its block is the tip (confirmed posts only). */
  readonly confirmations?: number;
  readonly signed: boolean;
  /** When this node first stored it, in milliseconds since the epoch. */
  readonly received_at: number;
  /** Visible (pending or confirmed) posts replying to it. */
  readonly replies: number;
}

/** A single post with, when confirmed, the RFC 6962 inclusion proof of its id in its block. */
export interface PostDetail extends PostView {
  readonly proof?: MerkleProof;
  readonly merkle_root?: string;
}

export interface FeedFilter {
  /** Page size, 1..200. */
  readonly limit: number;
  /** Cursor: only posts with a smaller seq (the `next` of the previous page). */
  readonly before?: number;
  readonly author?: string;
  readonly pubkey?: string;
  readonly reply_to?: string;
  /** Full-text search over author and content: every whitespace-separated term must occur. */
  readonly q?: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Cursor for the next page; absent on the last page. */
  readonly next?: number;
}

export interface BlockSummary {
  readonly hash: string;
  readonly height: number;
  readonly previous_hash: string;
  readonly merkle_root: string;
  readonly timestamp: number;
  readonly bits: number;
  readonly nonce: number;
  readonly version: number;
  /** The target the bits denote, 64 hex digits. */
  readonly target: string;
  /** powLimit / target: 1 at the easiest target of the network. */
  readonly difficulty: number;
  /** Cumulative work up to and including this block, 64 hex digits. */
  readonly chainwork: string;
  readonly post_count: number;
  /** Sum of the canonical JSON sizes of its posts. */
  readonly size: number;
  /** 1 for the tip; 0 for a block that is not on the best chain. */
  readonly confirmations: number;
}

export interface BlockDetail extends BlockSummary {
  readonly transactions: Post[];
  readonly ids: string[];
  readonly on_best_chain: boolean;
}

export interface ChainStats {
  readonly posts_confirmed: number;
  readonly posts_pending: number;
  /** Blocks on the best chain, genesis included. */
  readonly blocks: number;
}

/** Limits of the read API. */
export const QUERY_LIMITS = {
  feedMaxLimit: 200,
  blocksMaxLimit: 200,
  pendingMaxLimit: 1000,
  /** Characters of a full-text query. */
  searchMaxChars: 200,
  /** Whitespace-separated terms of a full-text query. */
  searchMaxTerms: 32,
  /**
   * Candidates one feed page examines at most (rows of the index or full-text match list that
   * drives it). A page whose other filters reject most candidates stops there and may hold
   * fewer than `limit` posts, even none, with a `next` cursor to continue: each request costs a
   * bounded time whatever the filters (e.g. a common word and an author who never used it).
   */
  feedScanBudget: 5000,
  /** `replies` counts visible replies up to this number (this value means "at least this many"). */
  repliesCountCap: 1000,
} as const;

interface ViewRow extends PostRow {
  height: number | null;
  position: number | null;
  block_hash: string | null;
  is_pending: number;
  replies: number;
}

interface BlockRow {
  hash: string;
  previous_hash: string;
  height: number;
  version: number;
  merkle_root: string;
  timestamp: number;
  bits: number;
  nonce: number;
  chainwork: string;
  status: number;
  post_count: number;
  size: number;
  received_at: number;
}

/** A post is visible when it is pending or confirmed on the best chain. */
const VISIBLE = '(c.post_seq IS NOT NULL OR q.post_seq IS NOT NULL)';

/**
 * The columns of a PostView and the joins they need; `p` is the post. The reply count uses the
 * partial index posts_by_reply, counts only visible replies, and stops at repliesCountCap so
 * that a much-answered post costs a bounded time.
 */
const VIEW_SELECT = `
  SELECT p.*, c.height AS height, c.position AS position, bc.hash AS block_hash,
    (q.post_seq IS NOT NULL) AS is_pending,
    (SELECT count(*) FROM (SELECT 1 FROM posts r
       WHERE r.reply_to = p.id
         AND (EXISTS (SELECT 1 FROM confirmed rc WHERE rc.post_seq = r.seq)
              OR EXISTS (SELECT 1 FROM pending rq WHERE rq.post_seq = r.seq))
       LIMIT ${QUERY_LIMITS.repliesCountCap})) AS replies`;

/** What drives a feed page: the candidates, newest first, below the cursor. */
type Driver = 'seq' | 'author' | 'pubkey' | 'reply_to' | 'fts';

const DRIVER_SQL: Readonly<Record<Driver, string>> = {
  seq: 'SELECT seq FROM posts WHERE seq < @before ORDER BY seq DESC',
  author: 'SELECT seq FROM posts WHERE author = @author AND seq < @before ORDER BY seq DESC',
  pubkey: 'SELECT seq FROM posts WHERE pubkey = @pubkey AND seq < @before ORDER BY seq DESC',
  reply_to: 'SELECT seq FROM posts WHERE reply_to = @reply_to AND seq < @before ORDER BY seq DESC',
  fts: 'SELECT rowid AS seq FROM posts_fts WHERE posts_fts MATCH @match AND rowid < @before ORDER BY rowid DESC',
};

/** The other filters, checked on each candidate. */
const FILTER_SQL: Readonly<Record<Exclude<Driver, 'seq'>, string>> = {
  author: 'p.author = @author',
  pubkey: 'p.pubkey = @pubkey',
  reply_to: 'p.reply_to = @reply_to',
  fts: 'EXISTS (SELECT 1 FROM posts_fts WHERE posts_fts MATCH @match AND rowid = p.seq)',
};

/** The structured filters, most selective first (the first one present drives the page). */
const STRUCTURED = ['reply_to', 'pubkey', 'author'] as const;

/**
 * With both a search and a structured filter, the filter's index drives the page when it has
 * fewer candidates than this below the cursor (checking the search on each is then cheap);
 * otherwise the full-text match list does.
 */
const SMALL_FILTER = 256;

const VIEW_JOINS = `
  LEFT JOIN confirmed c ON c.post_seq = p.seq
  LEFT JOIN best_chain bc ON bc.height = c.height
  LEFT JOIN pending q ON q.post_seq = p.seq`;

/** Characters the default FTS5 tokenizer (unicode61) keeps in tokens: letters, digits, private use. */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;
/** Term separators: whitespace and control characters (a NUL would end an FTS5 string early). */
const TERM_SEPARATOR = /[\s\p{Cc}]+/u;

/**
 * Turns what a user typed into a safe FTS5 query: each whitespace-separated term becomes a
 * string literal (inner double quotes doubled), so operators, column filters, `*`, `NEAR(`,
 * `-` and parentheses lose their meaning; the terms are ANDed. Terms without any token
 * character are dropped (they would match nothing); returns undefined when none remains.
 * Throws BAD_REQUEST for an empty or too long query.
 */
export function ftsQuery(q: string): string | undefined {
  if (typeof q !== 'string') throw new NodeError(NodeErrorCode.BAD_REQUEST, 'the search must be a string');
  if (q.length > QUERY_LIMITS.searchMaxChars) {
    throw new NodeError(
      NodeErrorCode.BAD_REQUEST,
      `the search is longer than ${QUERY_LIMITS.searchMaxChars} characters`,
    );
  }
  const terms = q.split(TERM_SEPARATOR).filter((term) => term.length > 0);
  if (terms.length === 0) throw new NodeError(NodeErrorCode.BAD_REQUEST, 'the search is empty');
  if (terms.length > QUERY_LIMITS.searchMaxTerms) {
    throw new NodeError(
      NodeErrorCode.BAD_REQUEST,
      `the search has more than ${QUERY_LIMITS.searchMaxTerms} terms`,
    );
  }
  const literals = terms
    .filter((term) => TOKEN_CHAR.test(term))
    .map((term) => `"${term.replaceAll('"', '""')}"`);
  return literals.length === 0 ? undefined : literals.join(' AND ');
}

function badRequest(message: string): NodeError {
  return new NodeError(NodeErrorCode.BAD_REQUEST, message);
}

function checkLimit(limit: number, max: number, name = 'limit'): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) {
    throw badRequest(`${name} must be an integer from 1 to ${max}`);
  }
}

function checkCursor(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw badRequest(`${name} must be a non-negative integer`);
  }
}

/** Decimal height (no sign, no exponent) or 64 lowercase hex digits. */
const HEIGHT = /^[0-9]{1,15}$/;
const HASH = /^[0-9a-f]{64}$/;

/**
 * Every level of the RFC 6962 Merkle tree of a block's post ids (docs/PROTOCOL.md §3), built
 * exactly as src/core/merkle.ts builds it (leaves SHA-256(0x00 ‖ id), nodes SHA-256(0x01 ‖ l ‖ r),
 * adjacent pairs, an unpaired last node carried up unchanged), so that every proof of a block
 * costs O(log n) once its tree is cached, instead of hashing the whole block per request.
 * post() uses a tree only when its root equals the block's merkle root, and otherwise falls
 * back to core's merkleProof.
 */
export class ProofTree {
  private constructor(
    /** Level 0 holds the leaves; each level is its nodes' 32-byte hashes, concatenated. */
    private readonly levels: readonly Uint8Array[],
    readonly size: number,
  ) {}

  static build(ids: readonly string[]): ProofTree {
    const leaves = new Uint8Array(ids.length * 32);
    const leafInput = new Uint8Array(33);
    ids.forEach((id, i) => {
      leafInput.set(fromHex(id), 1);
      sha256Short(leafInput, leaves, i * 32);
    });
    const levels = [leaves];
    const nodeInput = new Uint8Array(65);
    nodeInput[0] = 0x01;
    let level = leaves;
    let count = ids.length;
    while (count > 1) {
      const pairs = count >> 1;
      const next = new Uint8Array((pairs + (count & 1)) * 32);
      for (let i = 0; i < pairs; i++) {
        nodeInput.set(level.subarray(i * 64, i * 64 + 64), 1);
        sha256Short(nodeInput, next, i * 32);
      }
      if (count & 1) next.set(level.subarray((count - 1) * 32, count * 32), pairs * 32);
      levels.push(next);
      level = next;
      count = pairs + (count & 1);
    }
    return new ProofTree(levels, ids.length);
  }

  /** The root in hex; SHA-256 of the empty string for no leaves. */
  get root(): string {
    if (this.size === 0) return EMPTY_MERKLE_ROOT;
    return toHex(this.levels[this.levels.length - 1]!.subarray(0, 32));
  }

  /** Bytes held (for the cache budget). */
  get bytes(): number {
    return this.levels.reduce((sum, level) => sum + level.length, 0);
  }

  /** The audit path of leaf `index`, as core's merkleProof returns it. */
  proof(index: number): MerkleProof {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`leaf index ${index} is outside a tree of ${this.size} leaves`);
    }
    const path: string[] = [];
    let position = index;
    let count = this.size;
    for (let depth = 0; count > 1; depth++) {
      const sibling = position ^ 1;
      if (sibling < count) path.push(toHex(this.levels[depth]!.subarray(sibling * 32, sibling * 32 + 32)));
      position >>= 1;
      count = (count >> 1) + (count & 1);
    }
    return { index, size: this.size, path };
  }
}

/** Proof trees post() keeps, least recently used evicted: at most this many blocks and bytes. */
const PROOF_CACHE_BLOCKS = 128;
const PROOF_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * The read side of the node for the HTTP API and the web app: the feed, posts with their
 * inclusion proofs, blocks, the pending pool and the tutorial's GET /chain. Every method is
 * synchronous, runs prepared statements over the store (never a full scan for a page) and
 * returns plain JSON-ready objects. A post is visible when it is pending or confirmed on the
 * best chain; posts known only from side-branch blocks are not shown.
 */
export class ChainQueries {
  private readonly db: Db;
  private readonly feedStatements = new Map<string, Statement>();
  private readonly postByIdStmt: Statement<[string], ViewRow>;
  private readonly pendingStmt: Statement<[number, number], ViewRow>;
  private readonly blockIdsStmt: Statement<[string], string>;
  private readonly blockByHashStmt: Statement<[string], BlockRow>;
  private readonly blockByHeightStmt: Statement<[number], BlockRow>;
  private readonly bestHashAtStmt: Statement<[number], string>;
  private readonly blocksDescStmt: Statement<[number, number], BlockRow>;
  private readonly rangeHeadersStmt: Statement<[number, number], BlockRow>;
  private readonly rangePostsStmt: Statement<[number, number], PostRow & { block_height: number }>;
  private readonly bodyStmt: Statement<[string], PostRow>;
  private readonly confirmedCountStmt: Statement<[], number>;
  private readonly pendingCountStmt: Statement<[], number>;
  private readonly proofTrees = new Map<string, ProofTree>();
  private proofTreeBytes = 0;
  private confirmedCount?: { tip: string; count: number };
  /** The full-text index, brought up to date before each search (it is filled in batches). */
  readonly searchIndex: SearchIndex;

  constructor(private readonly chain: Chain) {
    const db = chain.posts.database;
    this.db = db;
    this.searchIndex = new SearchIndex(db);
    this.postByIdStmt = db.prepare(`${VIEW_SELECT} FROM posts p ${VIEW_JOINS} WHERE p.id = ?`);
    this.pendingStmt = db.prepare(
      `${VIEW_SELECT} FROM pending q CROSS JOIN posts p ON p.seq = q.post_seq
         LEFT JOIN confirmed c ON c.post_seq = p.seq
         LEFT JOIN best_chain bc ON bc.height = c.height
       WHERE q.post_seq > ? ORDER BY q.post_seq LIMIT ?`,
    );
    this.blockIdsStmt = db
      .prepare(
        `SELECT p.id FROM block_posts b CROSS JOIN posts p ON p.seq = b.post_seq
         WHERE b.block_hash = ? ORDER BY b.position`,
      )
      .pluck() as unknown as Statement<[string], string>;
    this.blockByHashStmt = db.prepare('SELECT * FROM blocks WHERE hash = ?');
    this.blockByHeightStmt = db.prepare(
      'SELECT b.* FROM best_chain c CROSS JOIN blocks b ON b.hash = c.hash WHERE c.height = ?',
    );
    this.bestHashAtStmt = db
      .prepare('SELECT hash FROM best_chain WHERE height = ?')
      .pluck() as unknown as Statement<[number], string>;
    this.blocksDescStmt = db.prepare(
      `SELECT b.* FROM best_chain c CROSS JOIN blocks b ON b.hash = c.hash
       WHERE c.height < ? ORDER BY c.height DESC LIMIT ?`,
    );
    this.rangeHeadersStmt = db.prepare(
      `SELECT b.* FROM best_chain c CROSS JOIN blocks b ON b.hash = c.hash
       WHERE c.height >= ? AND c.height < ? ORDER BY c.height`,
    );
    this.rangePostsStmt = db.prepare(
      `SELECT c.height AS block_height, p.* FROM best_chain c
         CROSS JOIN block_posts b ON b.block_hash = c.hash
         CROSS JOIN posts p ON p.seq = b.post_seq
       WHERE c.height >= ? AND c.height < ? ORDER BY c.height, b.position`,
    );
    this.bodyStmt = db.prepare(
      `SELECT p.* FROM block_posts b CROSS JOIN posts p ON p.seq = b.post_seq
       WHERE b.block_hash = ? ORDER BY b.position`,
    );
    this.confirmedCountStmt = db.prepare('SELECT count(*) FROM confirmed').pluck() as unknown as Statement<
      [],
      number
    >;
    this.pendingCountStmt = db.prepare('SELECT count(*) FROM pending').pluck() as unknown as Statement<
      [],
      number
    >;
  }

  /**
   * The feed: visible posts, newest first (by arrival seq), `limit` at a time. Filters AND
   * together. `next` is the `before` of the following page, absent on the last one. A page
   * examines at most QUERY_LIMITS.feedScanBudget candidates, so with selective combined filters
   * it may hold fewer than `limit` posts (even none) and still have a `next`.
   */
  posts(filter: FeedFilter): Page<PostView> {
    checkLimit(filter.limit, QUERY_LIMITS.feedMaxLimit);
    checkCursor(filter.before, 'before');
    const params: Record<string, unknown> = {
      before: filter.before ?? Number.MAX_SAFE_INTEGER,
      limit: filter.limit + 1,
      budget: QUERY_LIMITS.feedScanBudget,
    };
    const present: Exclude<Driver, 'seq'>[] = [];
    for (const name of STRUCTURED) {
      const value = filter[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
      params[name] = value;
      present.push(name);
    }
    let driver: Driver = present[0] ?? 'seq';
    if (filter.q !== undefined) {
      const match = ftsQuery(filter.q);
      if (match === undefined) return { items: [] };
      params['match'] = match;
      // Posts stored since the last indexing batch are indexed now, so the search finds them.
      this.searchIndex.catchUp();
      if (present.length === 0 || this.candidates(present[0]!, params, SMALL_FILTER) >= SMALL_FILTER) {
        driver = 'fts';
      }
      present.push('fts');
    }
    const others = present.filter((name) => name !== driver);
    const rows = this.runFeed(() => this.feedStatement(driver, others).all(params) as ViewRow[]);
    const tipHeight = this.chain.tip.height;
    const items = rows.slice(0, filter.limit).map((row) => this.view(row, tipHeight));
    if (rows.length > filter.limit) return { items, next: items[items.length - 1]!.seq };
    // A short page: the end, unless the scan stopped at its budget (then continue below the
    // last candidate examined).
    const offset = QUERY_LIMITS.feedScanBudget - 1;
    const last = this.runFeed(
      () => this.probeStatement(driver).get({ ...params, offset }) as number | undefined,
    );
    return last === undefined ? { items } : { items, next: last };
  }

  /** Runs a statement that may use FTS5: a refusal by FTS5 is the client's search, never a 500. */
  private runFeed<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      // The query is built from quoted literals, so this should not happen.
      if (error instanceof Error && error.name === 'SqliteError') {
        throw badRequest(`the search could not be run: ${error.message}`);
      }
      throw error;
    }
  }

  /** Candidates of a driver below the cursor, counted up to `cap`. */
  private candidates(driver: Driver, params: Record<string, unknown>, cap: number): number {
    const key = `count:${driver}`;
    let stmt = this.feedStatements.get(key);
    if (stmt === undefined) {
      stmt = this.db.prepare(`SELECT count(*) AS n FROM (${DRIVER_SQL[driver]} LIMIT @cap)`).pluck();
      this.feedStatements.set(key, stmt);
    }
    return stmt.get({ ...params, cap }) as number;
  }

  /** The feed statement of a driver and the other filters, prepared on first use. */
  private feedStatement(driver: Driver, others: readonly Exclude<Driver, 'seq'>[]): Statement {
    const key = `feed:${driver}:${others.join(',')}`;
    let stmt = this.feedStatements.get(key);
    if (stmt === undefined) {
      stmt = this.db.prepare(this.feedSqlFor(driver, others));
      this.feedStatements.set(key, stmt);
    }
    return stmt;
  }

  private feedSqlFor(driver: Driver, others: readonly Exclude<Driver, 'seq'>[]): string {
    const where = [...others.map((name) => FILTER_SQL[name]), VISIBLE].join(' AND ');
    return `${VIEW_SELECT}
      FROM (${DRIVER_SQL[driver]} LIMIT @budget) f CROSS JOIN posts p ON p.seq = f.seq ${VIEW_JOINS}
      WHERE ${where} ORDER BY f.seq DESC LIMIT @limit`;
  }

  /** The `offset`-th candidate of a driver below the cursor, if any. */
  private probeStatement(driver: Driver): Statement {
    const key = `probe:${driver}`;
    let stmt = this.feedStatements.get(key);
    if (stmt === undefined) {
      stmt = this.db.prepare(`${DRIVER_SQL[driver]} LIMIT 1 OFFSET @offset`).pluck();
      this.feedStatements.set(key, stmt);
    }
    return stmt;
  }

  /**
   * The SQL of every statement a feed page may run, by a label (for EXPLAIN QUERY PLAN in the
   * tests: every one must use an index or the full-text index, never scan or sort).
   */
  feedPlans(): Record<string, string> {
    const plans: Record<string, string> = {};
    const drivers: Driver[] = ['seq', ...STRUCTURED, 'fts'];
    for (const driver of drivers) {
      const candidates = (['fts', ...STRUCTURED] as const).filter((name) => name !== driver);
      plans[`feed ${driver}`] = this.feedSqlFor(driver, []);
      plans[`feed ${driver} + all other filters`] = this.feedSqlFor(driver, candidates);
      plans[`probe ${driver}`] = `${DRIVER_SQL[driver]} LIMIT 1 OFFSET @offset`;
      plans[`count ${driver}`] = `SELECT count(*) AS n FROM (${DRIVER_SQL[driver]} LIMIT @cap)`;
    }
    return plans;
  }

  /**
   * One visible post by id; when confirmed, with the inclusion proof of its id in its block
   * and that block's merkle root. Undefined for unknown posts and for posts that are neither
   * pending nor confirmed on the best chain.
   */
  post(id: string): PostDetail | undefined {
    if (typeof id !== 'string' || !HASH.test(id)) return undefined;
    const row = this.postByIdStmt.get(id);
    if (row === undefined || (row.height === null && row.is_pending === 0)) return undefined;
    const view = this.view(row, this.chain.tip.height);
    if (row.block_hash === null || row.position === null) return view;
    const merkleRoot = this.blockByHashStmt.get(row.block_hash)!.merkle_root;
    return {
      ...view,
      proof: this.proofOf(row.block_hash, merkleRoot, row.position),
      merkle_root: merkleRoot,
    };
  }

  /** The inclusion proof of leaf `position` of a block, from a cached tree of the block when possible. */
  private proofOf(hash: string, merkleRoot: string, position: number): MerkleProof {
    let tree = this.proofTrees.get(hash);
    if (tree !== undefined) {
      // Most recently used last.
      this.proofTrees.delete(hash);
      this.proofTrees.set(hash, tree);
      return tree.proof(position);
    }
    const ids = this.blockIdsStmt.all(hash);
    tree = ProofTree.build(ids);
    if (tree.root !== merkleRoot) return merkleProof(ids, position);
    this.proofTrees.set(hash, tree);
    this.proofTreeBytes += tree.bytes;
    while (this.proofTrees.size > PROOF_CACHE_BLOCKS || this.proofTreeBytes > PROOF_CACHE_BYTES) {
      const [oldest, evicted] = this.proofTrees.entries().next().value!;
      this.proofTrees.delete(oldest);
      this.proofTreeBytes -= evicted.bytes;
    }
    return tree.proof(position);
  }

  /** Best-chain blocks, newest first; `beforeHeight` (exclusive) is the cursor, `next` the following one. */
  blocks(opts: { limit: number; beforeHeight?: number }): Page<BlockSummary> {
    checkLimit(opts.limit, QUERY_LIMITS.blocksMaxLimit);
    checkCursor(opts.beforeHeight, 'beforeHeight');
    const tipHeight = this.chain.tip.height;
    const rows = this.blocksDescStmt.all(opts.beforeHeight ?? tipHeight + 1, opts.limit);
    const items = rows.map((row) => this.summary(row, tipHeight, true));
    const last = items[items.length - 1];
    return items.length === opts.limit && last !== undefined && last.height > 0
      ? { items, next: last.height }
      : { items };
  }

  /**
   * One block with its posts: a decimal string is a height on the best chain, 64 lowercase hex
   * digits a hash on any branch; anything else (or an unknown block) is undefined.
   */
  block(hashOrHeight: string): BlockDetail | undefined {
    if (typeof hashOrHeight !== 'string') return undefined;
    let row: BlockRow | undefined;
    if (HEIGHT.test(hashOrHeight)) row = this.blockByHeightStmt.get(Number(hashOrHeight));
    else if (HASH.test(hashOrHeight)) row = this.blockByHashStmt.get(hashOrHeight);
    if (row === undefined) return undefined;
    const onBest = this.bestHashAtStmt.get(row.height) === row.hash;
    const rows = this.bodyStmt.all(row.hash);
    return {
      ...this.summary(row, this.chain.tip.height, onBest),
      transactions: rows.map(postFromRow),
      ids: rows.map((post) => post.id),
      on_best_chain: onBest,
    };
  }

  /** Pending posts in arrival order, after the seq `afterSeq` (the last seq of the previous page). */
  pending(limit: number, afterSeq = 0): PostView[] {
    checkLimit(limit, QUERY_LIMITS.pendingMaxLimit);
    checkCursor(afterSeq, 'afterSeq');
    const tipHeight = this.chain.tip.height;
    return this.pendingStmt.all(afterSeq, limit).map((row) => this.view(row, tipHeight));
  }

  /**
   * Best-chain blocks in the served protocol form (as chain.blockAt), heights `start` up to
   * `start + limit − 1`, ascending. Two queries: the headers of the range, then all their posts.
   */
  chainPage(start: number, limit: number): Block[] {
    if (!Number.isSafeInteger(start) || start < 0) throw badRequest('start must be a non-negative integer');
    if (!Number.isSafeInteger(limit) || limit < 0) throw badRequest('limit must be a non-negative integer');
    if (limit === 0) return [];
    const end = start + limit;
    const blocks: Block[] = this.rangeHeadersStmt.all(start, end).map((row) => ({
      version: row.version,
      index: row.height,
      previous_hash: row.previous_hash,
      merkle_root: row.merkle_root,
      timestamp: row.timestamp,
      bits: row.bits,
      nonce: row.nonce,
      hash: row.hash,
      transactions: [],
    }));
    if (blocks.length === 0) return blocks;
    const first = blocks[0]!.index;
    for (const row of this.rangePostsStmt.iterate(start, end)) {
      blocks[row.block_height - first]!.transactions.push(postFromRow(row));
    }
    return blocks;
  }

  /** Counts for the status page: confirmed posts are counted once per tip. */
  stats(): ChainStats {
    const tip = this.chain.tip;
    if (this.confirmedCount?.tip !== tip.hash) {
      this.confirmedCount = { tip: tip.hash, count: this.confirmedCountStmt.get()! };
    }
    return {
      posts_confirmed: this.confirmedCount.count,
      posts_pending: this.pendingCountStmt.get()!,
      blocks: tip.height + 1,
    };
  }

  private view(row: ViewRow, tipHeight: number): PostView {
    const base = {
      id: row.id,
      seq: row.seq,
      post: postFromRow(row),
    };
    const tail = { signed: row.signature !== null, received_at: row.received_at, replies: row.replies };
    if (row.height !== null && row.position !== null && row.block_hash !== null) {
      return {
        ...base,
        status: 'confirmed',
        block: { hash: row.block_hash, height: row.height, position: row.position },
        confirmations: tipHeight - row.height + 1,
        ...tail,
      };
    }
    return { ...base, status: 'pending', ...tail };
  }

  private summary(row: BlockRow, tipHeight: number, onBest: boolean): BlockSummary {
    const target = decodeBits(row.bits) ?? 0n;
    const powLimit = this.chain.params.powLimit;
    return {
      hash: row.hash,
      height: row.height,
      previous_hash: row.previous_hash,
      merkle_root: row.merkle_root,
      timestamp: row.timestamp,
      bits: row.bits,
      nonce: row.nonce,
      version: row.version,
      target: bigIntToHex256(target),
      difficulty: target === 0n ? 0 : Number(powLimit) / Number(target),
      chainwork: row.chainwork,
      post_count: row.post_count,
      size: row.size,
      confirmations: onBest ? tipHeight - row.height + 1 : 0,
    };
  }
}
