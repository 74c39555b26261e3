import type { PostSocial, PostView } from '../../core/api/schemas.ts';
import type { Db } from '../store/database.ts';
import { RAW_VIEW_SELECT, type RawViewRow, VIEW_JOINS, viewFromRaw } from '../store/queries/views.ts';
import { ORDER_SCALE, POST_ACTS } from './sql.ts';

/** The derived social state of a view (PostView.social). */
export type ViewSocial = NonNullable<PostView['social']>;
type Counts = Pick<PostSocial, 'reactions' | 'reposts' | 'quotes'>;

// The columns RAW_VIEW_SELECT ends with (views.ts: 19 of them), then the page's own.
const DELETED = 19;
const LATEST = 20;
const COUNTS = 21;
const NAMES = 22;

/**
 * The action `a` on a post is live: no delete by its own key targets it (sql.ts ACTION_LIVE,
 * through the small index of actions on posts, social_post_acts: store migration 12).
 */
const LIVE = `NOT EXISTS (SELECT 1 FROM social_actions d INDEXED BY social_post_acts
  WHERE d.ref = a.id AND d.kind = 'delete' AND d.pubkey = a.pubkey AND d.${POST_ACTS})`;

/**
 * A page of social views in one raw statement (a JSON array of seqs): each post's view
 * columns and its annotations as columns — deleted by its own key, its latest live own edit
 * (editable posts only), its counts and the names its key ever claimed or renewed. Raw rows
 * and one statement rather than five: a page of 30 read as objects, then annotated by four
 * more statements and copied, was about half of a timeline call's CPU (bench/README.md).
 * The newest edit is the row of max(place) (SQLite's bare column of a max: no sorter per post).
 * Every seek goes through the partial indexes of migration 12 (INDEXED BY, and their WHERE
 * repeated, as SQLite requires): the actions on posts and the name claims, a few MB, where
 * social_by_ref and social_by_key hold every follow too and each seek is a cold page.
 */
const PAGE_SQL = `${RAW_VIEW_SELECT},
    (p.pubkey IS NOT NULL AND coalesce(p.kind, '') <> 'delete' AND EXISTS (
      SELECT 1 FROM social_actions d INDEXED BY social_post_acts
      WHERE d.ref = p.id AND d.kind = 'delete' AND d.pubkey = p.pubkey AND d.${POST_ACTS})),
    (CASE WHEN p.pubkey IS NOT NULL AND (p.kind IS NULL OR p.kind = 'quote') THEN
      (SELECT content FROM (SELECT e.content, max(a.height * ${ORDER_SCALE} + a.position)
         FROM social_actions a INDEXED BY social_post_acts JOIN posts e ON e.seq = a.post_seq
         WHERE a.ref = p.id AND a.kind = 'edit' AND a.pubkey = p.pubkey AND a.${POST_ACTS} AND ${LIVE})) END),
    (SELECT json_group_array(json_array(g.kind, g.arg, g.keys, g.actions)) FROM (
      SELECT a.kind, a.arg, count(DISTINCT a.pubkey) AS keys, count(*) AS actions
      FROM social_actions a INDEXED BY social_post_acts
      WHERE a.ref = p.id AND a.kind IN ('react', 'repost', 'quote') AND a.${POST_ACTS} AND ${LIVE}
      GROUP BY a.kind, a.arg) g),
    (CASE WHEN p.pubkey IS NOT NULL THEN
      (SELECT json_group_array(n.arg) FROM social_actions n INDEXED BY social_names
       WHERE n.pubkey = p.pubkey AND n.kind = 'name' AND n.arg IS NOT NULL) END)
  FROM json_each(?) j CROSS JOIN posts p ON p.seq = j.value ${VIEW_JOINS}`;

/** No reactions, reposts nor quotes (a fresh object each time: views are the caller's). */
const noCounts = (): Counts => ({ reactions: {}, reposts: 0, quotes: 0 });

/**
 * Reads social views: the posts of a page by seq, in the order given, with their derived
 * state (docs/PROTOCOL.md §13.4): counts, the latest edit, deletion (the content is blanked:
 * the node stops showing it) and the author's handle.
 */
export class SocialPageReader {
  private readonly statement;

  constructor(db: Db) {
    this.statement = db.prepare<[string], RawViewRow>(PAGE_SQL).raw(true);
  }

  /** The statement's SQL (for EXPLAIN QUERY PLAN in the bench and tests). */
  get source(): string {
    return this.statement.source;
  }

  /**
   * The views of the posts `seqs` (each stored), in that order. `handleAmong` picks a key's
   * handle among the names it ever claimed (asked once per key of the page).
   */
  read(
    seqs: readonly number[],
    tipHeight: number,
    handleAmong: (pubkey: string, names: readonly string[]) => string | undefined,
  ): PostView[] {
    if (seqs.length === 0) return [];
    let rows = this.statement.all(JSON.stringify(seqs));
    if (!inOrder(rows, seqs)) {
      // The join is driven by json_each, which yields the array in order; should a plan ever
      // differ, the order given still holds.
      const bySeq = new Map(rows.map((row) => [row[1] as number, row]));
      rows = seqs.map((seq) => bySeq.get(seq)!);
    }
    const handles = new Map<string, string | undefined>();
    const views = new Array<PostView>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const view = viewFromRaw(row, tipHeight);
      const { post } = view;
      const pubkey = post.pubkey;
      const deleted = row[DELETED] === 1;
      // LATEST is read only for editable posts (signed plain posts and quotes).
      const latest = deleted ? null : (row[LATEST] as string | null);
      let handle: string | undefined;
      if (pubkey !== undefined) {
        if (handles.has(pubkey)) handle = handles.get(pubkey);
        else {
          const names = row[NAMES] as string;
          // A key may claim or renew one name many times: each name once.
          handle =
            names === '[]' ? undefined : handleAmong(pubkey, [...new Set(JSON.parse(names) as string[])]);
          handles.set(pubkey, handle);
        }
      }
      if (deleted) post.content = '';
      const social: ViewSocial = {
        ...countsOf(row[COUNTS] as string),
        edited: latest !== null,
        ...(latest !== null ? { latest_content: latest } : {}),
        deleted,
        ...(handle !== undefined ? { handle } : {}),
      };
      view.social = social;
      views[i] = view;
    }
    return views;
  }
}

function inOrder(rows: readonly RawViewRow[], seqs: readonly number[]): boolean {
  if (rows.length !== seqs.length) return false;
  for (let i = 0; i < rows.length; i++) if (rows[i]![1] !== seqs[i]) return false;
  return true;
}

/** The counts of a post from its grouped rows ([kind, arg, keys, actions] as JSON). */
function countsOf(json: string): Counts {
  const counts = noCounts();
  if (json === '[]') return counts;
  for (const [kind, arg, keys, actions] of JSON.parse(json) as [string, string | null, number, number][]) {
    if (kind === 'react' && arg !== null) counts.reactions[arg] = keys;
    else if (kind === 'repost') counts.reposts = keys;
    else if (kind === 'quote') counts.quotes = actions;
  }
  return counts;
}
