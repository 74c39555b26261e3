import { type ChainPlace, compareChainOrder } from './names.ts';
import { type Profile, parseProfile } from './profile.ts';

/**
 * A confirmed action (a signed post with a kind) and its place on the best chain. Derived state
 * (docs/PROTOCOL.md §13.4) is a function of these in chain order: height, then position.
 */
export interface ConfirmedAction extends ChainPlace {
  readonly id: string;
  readonly kind: string;
  readonly ref?: string;
  readonly pubkey: string;
  readonly content: string;
}

/** A confirmed post as a target of edits and deletions. */
export interface TargetPost {
  readonly id: string;
  readonly pubkey?: string;
  readonly kind?: string;
  readonly content: string;
}

/**
 * The ids deleted (§13.4): a post X is deleted when a delete action with ref = X's id is signed
 * by X's key. Order does not matter. A delete action itself cannot be deleted (no undelete).
 */
export function deletedIds(
  actions: readonly ConfirmedAction[],
  postById: (id: string) => TargetPost | undefined,
): Set<string> {
  const deleted = new Set<string>();
  for (const action of actions) {
    if (action.kind !== 'delete' || action.ref === undefined) continue;
    const target = postById(action.ref);
    if (target === undefined || target.pubkey !== action.pubkey || target.kind === 'delete') continue;
    deleted.add(target.id);
  }
  return deleted;
}

function live(actions: readonly ConfirmedAction[], deleted: ReadonlySet<string>): ConfirmedAction[] {
  return actions.filter((action) => !deleted.has(action.id)).sort(compareChainOrder);
}

/** A key's profile: its latest profile action in chain order that is not deleted. */
export function latestProfile(
  actions: readonly ConfirmedAction[],
  pubkey: string,
  deleted: ReadonlySet<string>,
): (Profile & { readonly id: string }) | undefined {
  const mine = live(actions, deleted).filter((a) => a.kind === 'profile' && a.pubkey === pubkey);
  const last = mine.at(-1);
  if (last === undefined) return undefined;
  const parsed = parseProfile(last.content);
  return parsed.ok ? { ...parsed.profile, id: last.id } : undefined;
}

/**
 * The follow graph: a → b is an edge when the latest (chain order) not-deleted follow or
 * unfollow by a with ref b is a follow, and a ≠ b. Keys are followers.
 */
export function followGraph(
  actions: readonly ConfirmedAction[],
  deleted: ReadonlySet<string>,
): Map<string, Set<string>> {
  const latest = new Map<string, ConfirmedAction>();
  for (const action of live(actions, deleted)) {
    if ((action.kind !== 'follow' && action.kind !== 'unfollow') || action.ref === undefined) continue;
    latest.set(`${action.pubkey}:${action.ref}`, action);
  }
  const graph = new Map<string, Set<string>>();
  for (const action of latest.values()) {
    if (action.kind !== 'follow' || action.pubkey === action.ref) continue;
    const targets = graph.get(action.pubkey) ?? new Set<string>();
    graph.set(action.pubkey, targets);
    targets.add(action.ref!);
  }
  return graph;
}

/** Counts on one post (§13.4). */
export interface PostCounts {
  /** Emoji → distinct keys that reacted with it. */
  readonly reactions: Record<string, number>;
  /** Distinct keys that reposted it. */
  readonly reposts: number;
  /** Quote actions of it. */
  readonly quotes: number;
}

/** Reactions, reposts and quotes of `target`, from not-deleted actions. */
export function postCounts(
  actions: readonly ConfirmedAction[],
  target: string,
  deleted: ReadonlySet<string>,
): PostCounts {
  const reacted = new Map<string, Set<string>>();
  const reposters = new Set<string>();
  let quotes = 0;
  for (const action of live(actions, deleted)) {
    if (action.ref !== target) continue;
    if (action.kind === 'react') {
      const keys = reacted.get(action.content) ?? new Set<string>();
      reacted.set(action.content, keys);
      keys.add(action.pubkey);
    } else if (action.kind === 'repost') reposters.add(action.pubkey);
    else if (action.kind === 'quote') quotes++;
  }
  const reactions: Record<string, number> = {};
  for (const [emoji, keys] of [...reacted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    reactions[emoji] = keys.size;
  return { reactions, reposts: reposters.size, quotes };
}

/** Kinds whose content an edit may replace: plain posts (no kind) and quotes. */
export function isEditable(post: TargetPost): boolean {
  return post.pubkey !== undefined && (post.kind === undefined || post.kind === 'quote');
}

/**
 * The edit chain of `target` (§13.4): its not-deleted edit actions signed by its own key, in
 * chain order. The latest version is the last edit's content, or the post's own without one.
 */
export function editChain(
  actions: readonly ConfirmedAction[],
  target: TargetPost,
  deleted: ReadonlySet<string>,
): { readonly latest: string; readonly edits: readonly ConfirmedAction[] } {
  if (!isEditable(target)) return { latest: target.content, edits: [] };
  const edits = live(actions, deleted).filter(
    (a) => a.kind === 'edit' && a.ref === target.id && a.pubkey === target.pubkey,
  );
  return { latest: edits.at(-1)?.content ?? target.content, edits };
}
