import type { Statement } from 'better-sqlite3';
import type { Db } from '../database.ts';
import type { SearchIndex } from '../search-index.ts';
import { badRequest, checkCursor, checkLimit, QUERY_LIMITS } from './limits.ts';
import { ftsQuery, IndexedTokens, runSearch } from './search.ts';
import {
  type Page,
  type PostView,
  RAW_VIEW_SELECT,
  type RawViewRow,
  VIEW_JOINS,
  VISIBLE,
  viewFromRaw,
} from './views.ts';

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
  /**
   * Replies in the page or not. Default: `exclude` on the unfiltered feed (the global timeline
   * shows conversations, each top-level post with its reply count), `include` with any filter
   * (an author's page and a search show replies too, each naming its parent).
   */
  readonly replies?: RepliesMode;
  /**
   * Thread cursor (with `reply_to` only): the page reads oldest first, posts with a larger seq
   * than this; `next` is then the `after` of the following page. 0 starts a thread.
   */
  readonly after?: number;
}

export type RepliesMode = 'include' | 'exclude';

/**
 * Conversations only: top-level posts that are cards (plain posts, quotes, reposts), not replies
 * nor the other social actions (react, follow, edit, delete, profile, names), which the social
 * index shows instead. `replies=exclude` adds it. The same condition as the partial index
 * posts_top_level (store migration 7), which drives the unfiltered page.
 */
const TOP_LEVEL_WHERE = `reply_to IS NULL AND (kind IS NULL OR kind IN ('quote', 'repost'))`;
const TOP_LEVEL = `p.reply_to IS NULL AND (p.kind IS NULL OR p.kind IN ('quote', 'repost'))`;

/** What drives a feed page: the candidates, newest first, below the cursor. */
type Driver = 'seq' | 'top' | 'author' | 'pubkey' | 'reply_to' | 'fts';

/** The replies to one post, oldest first, above the `after` cursor (threads). */
const THREAD_SQL = 'SELECT seq FROM posts WHERE reply_to = @reply_to AND seq > @after ORDER BY seq ASC';

const DRIVER_SQL: Readonly<Record<Driver, string>> = {
  seq: 'SELECT seq FROM posts WHERE seq < @before ORDER BY seq DESC',
  top: `SELECT seq FROM posts INDEXED BY posts_top_level WHERE ${TOP_LEVEL_WHERE} AND seq < @before ORDER BY seq DESC`,
  author: 'SELECT seq FROM posts WHERE author = @author AND seq < @before ORDER BY seq DESC',
  pubkey: 'SELECT seq FROM posts WHERE pubkey = @pubkey AND seq < @before ORDER BY seq DESC',
  reply_to: 'SELECT seq FROM posts WHERE reply_to = @reply_to AND seq < @before ORDER BY seq DESC',
  fts: 'SELECT rowid AS seq FROM posts_fts WHERE posts_fts MATCH @match AND rowid < @before ORDER BY rowid DESC',
};

/** The other filters, checked on each candidate. */
const FILTER_SQL: Readonly<Record<Exclude<Driver, 'seq' | 'top'>, string>> = {
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

/**
 * The feed: visible posts, newest first, filtered by author, key, parent and full-text search.
 * Each page is driven by the most selective index present and examines a bounded number of
 * candidates (QUERY_LIMITS.feedScanBudget).
 */
export class FeedQuery {
  private readonly statements = new Map<string, Statement>();
  private readonly tokens: IndexedTokens;

  constructor(
    private readonly db: Db,
    /** The database's one full-text index, brought up to date before each search. */
    private readonly searchIndex: SearchIndex,
    private readonly tipHeight: () => number,
  ) {
    this.tokens = new IndexedTokens(db, () => searchIndex.indexedSeq());
  }

  /**
   * Visible posts, newest first (by arrival seq), `limit` at a time. Filters AND together.
   * `next` is the `before` of the following page, absent on the last one. A page examines at
   * most QUERY_LIMITS.feedScanBudget candidates, so with selective combined filters it may hold
   * fewer than `limit` posts (even none) and still have a `next`.
   */
  page(filter: FeedFilter): Page<PostView> {
    checkLimit(filter.limit, QUERY_LIMITS.feedMaxLimit);
    checkCursor(filter.before, 'before');
    checkCursor(filter.after, 'after');
    if (filter.after !== undefined) return this.thread(filter);
    const replies = repliesMode(filter);
    const params: Record<string, unknown> = {
      before: filter.before ?? Number.MAX_SAFE_INTEGER,
      limit: filter.limit + 1,
      budget: QUERY_LIMITS.feedScanBudget,
    };
    const present: Exclude<Driver, 'seq' | 'top'>[] = [];
    for (const name of STRUCTURED) {
      const value = filter[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
      params[name] = value;
      present.push(name);
    }
    const topLevel = replies === 'exclude';
    // The unfiltered conversations feed walks the partial index of top-level cards.
    let driver: Driver = present[0] ?? (topLevel ? 'top' : 'seq');
    if (filter.q !== undefined) {
      // Checked before any work; then posts stored since the last indexing batch are indexed,
      // so the search finds them (and the token list that shapes the query is complete).
      if (ftsQuery(filter.q) === undefined) return { items: [] };
      this.searchIndex.catchUp();
      const match = ftsQuery(filter.q, this.tokens.extended)!;
      params['match'] = match;
      if (present.length === 0 || this.candidates(present[0]!, params, SMALL_FILTER) >= SMALL_FILTER) {
        driver = 'fts';
      }
      present.push('fts');
    }
    const others = present.filter((name) => name !== driver);
    const rows = runSearch(
      () => this.feedStatement(driver, others, topLevel && driver !== 'top').all(params) as RawViewRow[],
    );
    const items = this.views(rows, filter.limit);
    if (rows.length > filter.limit) return { items, next: items[items.length - 1]!.seq };
    // A short page: the end, unless the scan stopped at its budget (then continue below the
    // last candidate examined).
    const offset = QUERY_LIMITS.feedScanBudget - 1;
    const last = runSearch(
      () => this.probeStatement(driver).get({ ...params, offset }) as number | undefined,
    );
    return last === undefined ? { items } : { items, next: last };
  }

  /**
   * A thread: the visible replies to `reply_to`, oldest first, above the `after` cursor, with
   * the same scan budget as the feed (a short page with a `next` continues after the budget).
   */
  private thread(filter: FeedFilter): Page<PostView> {
    if (filter.reply_to === undefined) throw badRequest('after pages a thread: it needs reply_to');
    if (typeof filter.reply_to !== 'string') throw badRequest('reply_to must be a string');
    if (filter.before !== undefined) throw badRequest('before and after exclude each other');
    if (filter.q !== undefined || filter.author !== undefined || filter.pubkey !== undefined) {
      throw badRequest('after pages a whole thread: no other filter');
    }
    if (filter.replies === 'exclude') throw badRequest('replies=exclude contradicts reply_to');
    const params = {
      reply_to: filter.reply_to,
      after: filter.after,
      limit: filter.limit + 1,
      budget: QUERY_LIMITS.feedScanBudget,
    };
    const rows = this.prepared('thread', () => this.db.prepare(threadSql()).raw()).all(
      params,
    ) as RawViewRow[];
    const items = this.views(rows, filter.limit);
    if (rows.length > filter.limit) return { items, next: items[items.length - 1]!.seq };
    const offset = QUERY_LIMITS.feedScanBudget - 1;
    const last = this.prepared('probe:thread', () =>
      this.db.prepare(`${THREAD_SQL} LIMIT 1 OFFSET @offset`).pluck(),
    ).get({ ...params, offset }) as number | undefined;
    return last === undefined ? { items } : { items, next: last };
  }

  /**
   * The SQL of every statement a feed page may run, by a label (for EXPLAIN QUERY PLAN in the
   * tests: every one must use an index or the full-text index, never scan or sort).
   */
  plans(): Record<string, string> {
    const plans: Record<string, string> = {};
    const drivers: Driver[] = ['seq', ...STRUCTURED, 'fts'];
    for (const driver of drivers) {
      const candidates = (['fts', ...STRUCTURED] as const).filter((name) => name !== driver);
      plans[`feed ${driver}`] = feedSql(driver, []);
      plans[`feed ${driver} + all other filters`] = feedSql(driver, candidates);
      plans[`probe ${driver}`] = `${DRIVER_SQL[driver]} LIMIT 1 OFFSET @offset`;
      plans[`count ${driver}`] = `SELECT count(*) AS n FROM (${DRIVER_SQL[driver]} LIMIT @cap)`;
    }
    plans['feed top'] = feedSql('top', []);
    plans['probe top'] = `${DRIVER_SQL.top} LIMIT 1 OFFSET @offset`;
    plans['feed pubkey top-level'] = feedSql('pubkey', [], true);
    plans['feed reply_to thread'] = threadSql();
    plans['probe reply_to thread'] = `${THREAD_SQL} LIMIT 1 OFFSET @offset`;
    return plans;
  }

  /** Candidates of a driver below the cursor, counted up to `cap`. */
  private candidates(driver: Driver, params: Record<string, unknown>, cap: number): number {
    const stmt = this.prepared(`count:${driver}`, () =>
      this.db.prepare(`SELECT count(*) AS n FROM (${DRIVER_SQL[driver]} LIMIT @cap)`).pluck(),
    );
    return stmt.get({ ...params, cap }) as number;
  }

  /** The feed statement of a driver and the other filters, prepared on first use. */
  private feedStatement(
    driver: Driver,
    others: readonly Exclude<Driver, 'seq' | 'top'>[],
    topLevel: boolean,
  ): Statement {
    return this.prepared(`feed:${driver}:${others.join(',')}:${topLevel}`, () =>
      this.db.prepare(feedSql(driver, others, topLevel)).raw(),
    );
  }

  /** The views of the first `limit` rows (the statements read one more, to know of a next page). */
  private views(rows: readonly RawViewRow[], limit: number): PostView[] {
    const tipHeight = this.tipHeight();
    const count = Math.min(rows.length, limit);
    const items = new Array<PostView>(count);
    for (let i = 0; i < count; i++) items[i] = viewFromRaw(rows[i]!, tipHeight);
    return items;
  }

  /** The `offset`-th candidate of a driver below the cursor, if any. */
  private probeStatement(driver: Driver): Statement {
    return this.prepared(`probe:${driver}`, () =>
      this.db.prepare(`${DRIVER_SQL[driver]} LIMIT 1 OFFSET @offset`).pluck(),
    );
  }

  private prepared(key: string, prepare: () => Statement): Statement {
    let stmt = this.statements.get(key);
    if (stmt === undefined) {
      stmt = prepare();
      this.statements.set(key, stmt);
    }
    return stmt;
  }
}

/** The replies mode of a filter: explicit, or `exclude` only on the unfiltered feed. */
function repliesMode(filter: FeedFilter): RepliesMode {
  const filtered =
    filter.author !== undefined ||
    filter.pubkey !== undefined ||
    filter.reply_to !== undefined ||
    filter.q !== undefined;
  if (filter.replies === undefined) return filtered ? 'include' : 'exclude';
  if (filter.replies !== 'include' && filter.replies !== 'exclude') {
    throw badRequest('replies must be include or exclude');
  }
  if (filter.replies === 'exclude' && filter.reply_to !== undefined) {
    throw badRequest('replies=exclude contradicts reply_to');
  }
  return filter.replies;
}

function threadSql(): string {
  return `${RAW_VIEW_SELECT}
      FROM (${THREAD_SQL} LIMIT @budget) f CROSS JOIN posts p ON p.seq = f.seq ${VIEW_JOINS}
      WHERE ${VISIBLE} ORDER BY f.seq ASC LIMIT @limit`;
}

function feedSql(
  driver: Driver,
  others: readonly Exclude<Driver, 'seq' | 'top'>[],
  topLevel = false,
): string {
  const filters = [...others.map((name) => FILTER_SQL[name]), ...(topLevel ? [TOP_LEVEL] : [])];
  const where = [...filters, VISIBLE].join(' AND ');
  return `${RAW_VIEW_SELECT}
      FROM (${DRIVER_SQL[driver]} LIMIT @budget) f CROSS JOIN posts p ON p.seq = f.seq ${VIEW_JOINS}
      WHERE ${where} ORDER BY f.seq DESC LIMIT @limit`;
}
