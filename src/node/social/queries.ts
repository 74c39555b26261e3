import type {
  NameInfo,
  Notification,
  Page,
  Person,
  PersonPage,
  PostSocial,
  PostView,
} from '../../core/api/schemas.ts';
import type { CryptoPort } from '../../core/crypto.ts';
import type { NetworkName } from '../../core/params.ts';
import {
  deriveNameOwner,
  isHeld,
  isValidName,
  NAME_PARAMS,
  type NameAction,
  type NameParams,
  type NameState,
  parseProfile,
} from '../../core/social/index.ts';
import type { Db } from '../store/database.ts';
import { QueryError } from '../store/queries/errors.ts';
import { REPLIES_SQL } from '../store/queries/views.ts';
import { SocialPageReader } from './page.ts';
import { ACTION_LIVE } from './sql.ts';
import { TimelineReader } from './timeline.ts';

/** Posts a home timeline shows: plain posts, quotes and reposts (not the other actions). */
const TIMELINE_KINDS = `(p.kind IS NULL OR p.kind IN ('quote', 'repost'))`; // = store TIMELINE_KIND
/**
 * Most follows the confirmed part of a timeline reads (a key following more sees the first ones
 * by key order); the pending part, driven by the pool, checks every follow.
 */
const TIMELINE_MAX_FOLLOWS = 5_000;
const PENDING_IN_TIMELINE = 20;
const HEX64 = /^[0-9a-f]{64}$/;

const NOTIFICATION_TYPES = ['reply', 'quote', 'mention', 'react', 'repost', 'follow'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface SocialQueriesOptions {
  readonly db: Db;
  readonly network: NetworkName;
  readonly crypto: CryptoPort;
  /** The best chain's tip height (names expire against it). */
  readonly tipHeight: () => number;
}

function bad(message: string): QueryError {
  return new QueryError(message);
}

/**
 * The read side of the social index (docs/PROTOCOL.md §13.4): people, follows, timelines,
 * notifications, names and the social state of posts, as SQL over the action log that the
 * store's triggers keep equal to the best chain's confirmed actions (store migrations 7, 8). Names
 * go through core's deriveNameOwner, so the node applies the very rules of the spec.
 */
export class SocialQueries {
  private readonly db: Db;
  private readonly tipHeight: () => number;
  private readonly crypto: CryptoPort;
  readonly nameParams: NameParams;
  private readonly stmts;
  /** The confirmed part of home timelines (social/timeline.ts). */
  readonly timelines: TimelineReader;
  /** The views of a page with their social state (social/page.ts). */
  readonly pages: SocialPageReader;
  private readonly handleAmongBound = (pubkey: string, names: readonly string[]) =>
    this.handleAmong(pubkey, names);

  constructor(options: SocialQueriesOptions) {
    this.db = options.db;
    this.tipHeight = options.tipHeight;
    this.crypto = options.crypto;
    this.nameParams = NAME_PARAMS[options.network];
    const db = this.db;
    this.timelines = new TimelineReader(db);
    this.pages = new SocialPageReader(db);
    this.stmts = {
      profile: db.prepare<[string], { id: string; content: string }>(
        `SELECT a.id, p.content FROM social_actions a JOIN posts p ON p.seq = a.post_seq
         WHERE a.pubkey = ? AND a.kind = 'profile' AND ${ACTION_LIVE}
         ORDER BY a.height DESC, a.position DESC LIMIT 1`,
      ),
      followingCount: db.prepare<[string], number>('SELECT count(*) FROM follows WHERE follower = ?').pluck(),
      followersCount: db.prepare<[string], number>('SELECT count(*) FROM follows WHERE target = ?').pluck(),
      following: db.prepare<
        { key: string; after: string; limit: number },
        { pubkey: string; height: number }
      >(
        `SELECT target AS pubkey, height FROM follows
         WHERE follower = @key AND target > @after ORDER BY target LIMIT @limit`,
      ),
      followers: db.prepare<
        { key: string; after: string; limit: number },
        { pubkey: string; height: number }
      >(
        `SELECT follower AS pubkey, height FROM follows
         WHERE target = @key AND follower > @after ORDER BY follower LIMIT @limit`,
      ),
      pendingActions: db.prepare<[string], { id: string; kind: string; ref: string | null; content: string }>(
        `SELECT p.id, p.kind, p.ref, p.content FROM posts p JOIN pending q ON q.post_seq = p.seq
         WHERE p.pubkey = ? AND p.kind IS NOT NULL ORDER BY p.seq LIMIT 50`,
      ),
      // Driven by the pool, newest first (bounded by its size), each post checked against the
      // follows; never driven by the followed keys' posts (a key's actions are many).
      timelinePending: db
        .prepare<{ key: string; limit: number }, number>(
          `SELECT p.seq FROM pending q CROSS JOIN posts p ON p.seq = q.post_seq
           WHERE EXISTS (SELECT 1 FROM follows f WHERE f.follower = @key AND f.target = p.pubkey)
             AND ${TIMELINE_KINDS}
           ORDER BY q.post_seq DESC LIMIT @limit`,
        )
        .pluck(),
      // The newest `limit` notices of the key and the newest `limit` mentions of each of its
      // names (mention_places by (name, place), each name cut at its `limit`-th newest mention
      // not by the key itself, as the timeline cuts each key), merged: a post in both counts
      // once, with the smaller rank.
      notifications: db.prepare<
        { key: string; names: string; before: number; limit: number },
        { seq: number; rank: number; place: number }
      >(
        `WITH n AS (
           SELECT * FROM (SELECT post_seq AS seq, rank, place FROM notices
             WHERE target = @key AND place < @before ORDER BY place DESC LIMIT @limit)
           UNION ALL
           SELECT * FROM (SELECT m.post_seq AS seq, 2 AS rank, m.place AS place
             FROM json_each(@names) j CROSS JOIN mention_places m ON m.name = j.value
             WHERE m.place < @before AND coalesce(m.author, '') <> @key
               AND m.place >= coalesce((SELECT b.place FROM mention_places b
                 WHERE b.name = j.value AND b.place < @before AND coalesce(b.author, '') <> @key
                 ORDER BY b.place DESC LIMIT 1 OFFSET @limit - 1), 0)
             ORDER BY place DESC LIMIT @limit)
         )
         SELECT seq, min(rank) AS rank, place FROM n GROUP BY seq ORDER BY place DESC LIMIT @limit`,
      ),
      postFull: db.prepare<
        [string],
        {
          seq: number;
          pubkey: string | null;
          kind: string | null;
          ref: string | null;
          reply_to: string | null;
        }
      >('SELECT seq, pubkey, kind, ref, reply_to FROM posts WHERE id = ?'),
      mentionsOfPost: db
        .prepare<[number], string>('SELECT name FROM post_mentions WHERE post_seq = ?')
        .pluck(),
      postRow: db.prepare<
        [string],
        { seq: number; id: string; pubkey: string | null; kind: string | null; content: string }
      >('SELECT seq, id, pubkey, kind, content FROM posts WHERE id = ?'),
      counts: db.prepare<[string], { kind: string; arg: string | null; keys: number; actions: number }>(
        `SELECT a.kind, a.arg, count(DISTINCT a.pubkey) AS keys, count(*) AS actions FROM social_actions a
         WHERE a.ref = ? AND a.kind IN ('react', 'repost', 'quote') AND ${ACTION_LIVE}
         GROUP BY a.kind, a.arg`,
      ),
      replies: db.prepare<[string], number>(REPLIES_SQL).pluck(),
      edits: db.prepare<[string, string], { id: string; content: string; height: number; position: number }>(
        `SELECT a.id, p.content, a.height, a.position FROM social_actions a JOIN posts p ON p.seq = a.post_seq
         WHERE a.ref = ? AND a.kind = 'edit' AND a.pubkey = ? AND ${ACTION_LIVE}
         ORDER BY a.height, a.position`,
      ),
      deleted: db
        .prepare<[string, string], number>(
          `SELECT EXISTS (SELECT 1 FROM social_actions d WHERE d.ref = ? AND d.kind = 'delete' AND d.pubkey = ?)`,
        )
        .pluck(),
      nameActions: db.prepare<[string], NameAction>(
        `SELECT id, pubkey, ref AS salt, height, position FROM social_actions WHERE kind = 'name' AND arg = ?`,
      ),
      commitHeight: db
        .prepare<[string, string], number | null>(
          `SELECT min(height) FROM social_actions WHERE ref = ? AND kind = 'name_commit' AND pubkey = ?`,
        )
        .pluck(),
      namesOfKey: db
        .prepare<[string], string>(
          `SELECT DISTINCT arg FROM social_actions WHERE pubkey = ? AND kind = 'name' AND arg IS NOT NULL`,
        )
        .pluck(),
      pendingReveals: db
        .prepare<[string], number>(
          `SELECT count(*) FROM posts p JOIN pending q ON q.post_seq = p.seq WHERE p.kind = 'name' AND p.content = ?`,
        )
        .pluck(),
    };
  }

  // -- names (§13.5) ---------------------------------------------------------------------------

  /** The state of a name from its confirmed actions (undefined: never held). */
  nameState(name: string): NameState | undefined {
    const actions = this.stmts.nameActions.all(name);
    if (actions.length === 0) return undefined;
    return deriveNameOwner(
      name,
      actions,
      (commitment, pubkey) => this.stmts.commitHeight.get(commitment, pubkey) ?? undefined,
      this.nameParams,
      this.crypto,
    );
  }

  /** The handle of a key: the held name it last claimed or renewed (§13.5). */
  handleOf(pubkey: string): string | undefined {
    return this.handleAmong(pubkey, this.stmts.namesOfKey.all(pubkey));
  }

  /** The handle of a key among the names it ever claimed or renewed. */
  private handleAmong(pubkey: string, names: readonly string[]): string | undefined {
    const tip = this.tipHeight();
    let best: NameState | undefined;
    for (const name of names) {
      const state = this.nameState(name);
      if (!isHeld(state, tip) || state.owner !== pubkey) continue;
      if (
        best === undefined ||
        state.renewedAt > best.renewedAt ||
        (state.renewedAt === best.renewedAt && state.renewedPosition > best.renewedPosition)
      )
        best = state;
    }
    return best?.name;
  }

  name(name: string): NameInfo {
    if (!isValidName(name)) throw bad('a name is 3–20 characters of a–z, 0–9 and _');
    const state = this.nameState(name);
    const pending_reveals = this.stmts.pendingReveals.get(name) ?? 0;
    if (!isHeld(state, this.tipHeight())) return { name, held: false, pending_reveals };
    return {
      name,
      held: true,
      owner: state.owner,
      claimed_at: state.claimedAt,
      renewed_at: state.renewedAt,
      expires_at: state.expiresAt,
      claim: state.claimId,
      pending_reveals,
    };
  }

  /** A pubkey from a path key: 64 hex, or `@name` of a held name; undefined when nobody holds it. */
  resolve(key: string): string | undefined {
    if (HEX64.test(key)) return key;
    if (!key.startsWith('@')) throw bad('a person is a 64-hex public key or an @name');
    const name = key.slice(1);
    if (!isValidName(name)) throw bad('a name is 3–20 characters of a–z, 0–9 and _');
    const state = this.nameState(name);
    return isHeld(state, this.tipHeight()) ? state.owner : undefined;
  }

  // -- people ----------------------------------------------------------------------------------

  person(pubkey: string): Person {
    const row = this.stmts.profile.get(pubkey);
    const parsed = row === undefined ? undefined : parseProfile(row.content);
    const handle = this.handleOf(pubkey);
    return {
      pubkey,
      ...(handle !== undefined ? { handle } : {}),
      ...(parsed?.ok ? { profile: { id: row!.id, ...parsed.profile } } : {}),
      followers: this.stmts.followersCount.get(pubkey) ?? 0,
      following: this.stmts.followingCount.get(pubkey) ?? 0,
      pending: this.stmts.pendingActions.all(pubkey).map((a) => ({
        id: a.id,
        kind: a.kind,
        content: a.content,
        ...(a.ref !== null ? { ref: a.ref } : {}),
      })),
    };
  }

  following(pubkey: string, limit: number, after = ''): PersonPage {
    return this.links(this.stmts.following.all({ key: pubkey, after, limit: limit + 1 }), limit);
  }

  followers(pubkey: string, limit: number, after = ''): PersonPage {
    return this.links(this.stmts.followers.all({ key: pubkey, after, limit: limit + 1 }), limit);
  }

  private links(rows: { pubkey: string; height: number }[], limit: number): PersonPage {
    const page = rows.slice(0, limit).map((row) => {
      const handle = this.handleOf(row.pubkey);
      return { pubkey: row.pubkey, since: row.height, ...(handle !== undefined ? { handle } : {}) };
    });
    return rows.length > limit ? { items: page, next: page.at(-1)!.pubkey } : { items: page };
  }

  // -- timeline and notifications --------------------------------------------------------------

  /**
   * The home timeline of a key: plain posts, quotes and reposts of the keys it follows, newest
   * first in chain order, deleted ones left out; the first page starts with their pending posts.
   */
  timeline(pubkey: string, limit: number, before?: number): Page<PostView> {
    const tip = this.tipHeight();
    const rows = this.timelines.page(
      pubkey,
      before ?? Number.MAX_SAFE_INTEGER,
      limit + 1,
      TIMELINE_MAX_FOLLOWS,
    );
    const pending =
      before === undefined ? this.stmts.timelinePending.all({ key: pubkey, limit: PENDING_IN_TIMELINE }) : [];
    const confirmed = rows.slice(0, limit);
    const items = this.page([...pending, ...confirmed.map((row) => row.seq)], tip);
    const last = confirmed.at(-1);
    return rows.length > limit && last !== undefined ? { items, next: last.place } : { items };
  }

  /** What happened to a key: replies, mentions, reactions, reposts, quotes, follows; newest first. */
  notifications(pubkey: string, limit: number, before?: number): Page<Notification> {
    const tip = this.tipHeight();
    const names: string[] = [];
    for (const name of this.stmts.namesOfKey.all(pubkey)) {
      const state = this.nameState(name);
      if (isHeld(state, tip) && state.owner === pubkey) names.push(name);
    }
    const rows = this.stmts.notifications.all({
      key: pubkey,
      names: JSON.stringify(names),
      before: before ?? Number.MAX_SAFE_INTEGER,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const views = this.page(
      page.map((row) => row.seq),
      tip,
    );
    const items = page.map((row, i) => ({
      type: rankType(row.rank, views[i]!.post.kind),
      cursor: row.place,
      post: views[i]!,
    }));
    return rows.length > limit ? { items, next: page.at(-1)!.place } : { items };
  }

  /**
   * Whom a confirmed post notifies, and why (for the live `notification` event): the author of
   * the post it replies to, reacts to, reposts or quotes, the key it follows, the holders of the
   * names it mentions; never its own author.
   */
  notificationsOf(id: string): { to: string; type: NotificationType }[] {
    const row = this.stmts.postFull.get(id);
    if (row === undefined) return [];
    const out: { to: string; type: NotificationType }[] = [];
    const add = (to: string | null | undefined, type: NotificationType) => {
      if (to && to !== row.pubkey && !out.some((n) => n.to === to)) out.push({ to, type });
    };
    if (row.reply_to !== null) add(this.stmts.postRow.get(row.reply_to)?.pubkey, 'reply');
    if (row.pubkey !== null && row.ref !== null) {
      if (row.kind === 'follow') add(row.ref, 'follow');
      else if (row.kind === 'react' || row.kind === 'repost' || row.kind === 'quote')
        add(this.stmts.postRow.get(row.ref)?.pubkey, row.kind);
    }
    const tip = this.tipHeight();
    for (const name of this.stmts.mentionsOfPost.all(row.seq)) {
      const state = this.nameState(name);
      if (isHeld(state, tip)) add(state.owner, 'mention');
    }
    return out;
  }

  /** The social views of posts by seq, in the order given (social/page.ts). */
  private page(seqs: readonly number[], tip: number): PostView[] {
    return this.pages.read(seqs, tip, this.handleAmongBound);
  }

  // -- posts -----------------------------------------------------------------------------------

  /** Counts, edits and deletion of one post (undefined when the node does not know it). */
  postSocial(id: string): PostSocial | undefined {
    const post = this.stmts.postRow.get(id);
    if (post === undefined) return undefined;
    const counts = this.counts(id);
    const deleted =
      post.pubkey !== null && post.kind !== 'delete' && this.stmts.deleted.get(id, post.pubkey) === 1;
    const editable = post.pubkey !== null && (post.kind === null || post.kind === 'quote');
    const history = editable ? this.stmts.edits.all(id, post.pubkey!) : [];
    return {
      id,
      ...counts,
      replies: this.stmts.replies.get(id) ?? 0,
      deleted,
      ...(deleted ? {} : { latest_content: history.at(-1)?.content ?? post.content }),
      history: deleted ? [] : history,
    };
  }

  private counts(id: string): { reactions: Record<string, number>; reposts: number; quotes: number } {
    const counts = new Map<string, { reactions: Record<string, number>; reposts: number; quotes: number }>();
    for (const row of this.stmts.counts.all(id)) addCount(counts, id, row);
    return counts.get(id) ?? { reactions: {}, reposts: 0, quotes: 0 };
  }
}

/** Adds one grouped count row to the counts of its post (as SocialQueries.counts reads them). */
function addCount(
  counts: Map<string, { reactions: Record<string, number>; reposts: number; quotes: number }>,
  ref: string,
  row: { kind: string; arg: string | null; keys: number; actions: number },
): void {
  let entry = counts.get(ref);
  if (entry === undefined) {
    entry = { reactions: {}, reposts: 0, quotes: 0 };
    counts.set(ref, entry);
  }
  if (row.kind === 'react' && row.arg !== null) entry.reactions[row.arg] = row.keys;
  else if (row.kind === 'repost') entry.reposts = row.keys;
  else if (row.kind === 'quote') entry.quotes = row.actions;
}

function rankType(rank: number, kind: string | undefined): NotificationType {
  if (rank === 0) return 'reply';
  if (rank === 1) return 'quote';
  if (rank === 2) return 'mention';
  if (rank === 3) return 'react';
  if (rank === 5) return 'follow';
  return kind === 'repost' ? 'repost' : 'react';
}
