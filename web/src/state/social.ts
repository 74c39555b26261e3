/**
 * The social state the app shows (docs/PROTOCOL.md §13): the actions this browser sent that are
 * still pending, and the derived counts of posts (GET /api/v1/posts/:id/social, cached by id). Kept apart from the app's hub: it owns no
 * key of AppState and only reads the identity, the node client and the tip height.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PostSocial } from '#core/api/schemas.ts';
import type { PostView } from '../api.ts';
import { store } from '../store.ts';

export type SocialKind =
  | 'profile'
  | 'follow'
  | 'unfollow'
  | 'react'
  | 'repost'
  | 'quote'
  | 'edit'
  | 'delete'
  | 'name_commit'
  | 'name';

/** An action sent from this browser and not yet seen in a block. */
export interface PendingAction {
  readonly id: string;
  readonly kind: SocialKind;
  readonly ref?: string;
  readonly content: string;
}

const listeners = new Set<() => void>();
let pending: readonly PendingAction[] = [];
const socialCache = new Map<string, PostSocial>();
let version = 0;

function changed(): void {
  version++;
  for (const listener of listeners) listener();
}

/** Re-renders the component when a pending action or a cached count changes. */
export function useSocialVersion(): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return version;
}

export function pendingActions(): readonly PendingAction[] {
  return pending;
}

/** Records an action this browser sent: it shows as pending until a block confirms it. */
export function addPending(action: PendingAction): void {
  pending = [...pending, action];
  changed();
}

/** The newest pending action of `kinds` about `ref` (a follow of a key, an edit of a post…). */
export function pendingAbout(ref: string, kinds: readonly SocialKind[]): PendingAction | undefined {
  for (let i = pending.length - 1; i >= 0; i--) {
    const action = pending[i]!;
    if (action.ref === ref && kinds.includes(action.kind)) return action;
  }
  return undefined;
}

/** The cached social state of a post, or the view's own when the node sent it. */
export function socialOf(view: PostView): PostSocial | undefined {
  const cached = socialCache.get(view.id);
  if (cached !== undefined) return cached;
  const own = view.social;
  if (own === undefined) return undefined;
  return {
    id: view.id,
    reactions: own.reactions,
    reposts: own.reposts,
    quotes: own.quotes,
    replies: view.replies,
    deleted: own.deleted,
    ...(own.latest_content !== undefined ? { latest_content: own.latest_content } : {}),
    history: [],
  };
}

const inflight = new Set<string>();

/** Fetches a post's counts, edits and deletion (again); quiet on failure (the card stays as it is). */
export async function refreshSocial(id: string): Promise<void> {
  if (inflight.has(id)) return;
  inflight.add(id);
  try {
    socialCache.set(id, await store.nodeApi.postSocial(id));
    changed();
  } catch {
    // an unknown or pending post: no counts yet
  } finally {
    inflight.delete(id);
  }
}

let watchedHeight: number | undefined;

/** When the tip moves: drop the pending actions a block confirmed, and refetch what is shown. */
async function onTip(): Promise<void> {
  const confirmed = await Promise.all(
    pending.map((action) =>
      store.nodeApi.post(action.id).then(
        (detail) => (detail.status === 'confirmed' ? action.id : undefined),
        () => undefined,
      ),
    ),
  );
  const done = new Set(confirmed.filter((id) => id !== undefined));
  if (done.size > 0) pending = pending.filter((action) => !done.has(action.id));
  const key = followingSet?.key;
  await Promise.all([
    ...[...socialCache.keys()].map((id) => refreshSocial(id)),
    key !== undefined ? loadFollowing(key) : undefined,
  ]);
  changed();
}

store.subscribe(() => {
  const height = store.state.status?.height;
  if (height === undefined || height === watchedHeight) return;
  const first = watchedHeight === undefined;
  watchedHeight = height;
  if (!first) void onTip();
});

/** Most keys read from the reader's following list (4 pages of the API's largest). */
const FOLLOWING_MAX_PAGES = 4;
let followingSet: { key: string; keys: ReadonlySet<string> } | undefined;
let followingLoad: string | undefined;

async function loadFollowing(key: string): Promise<void> {
  if (followingLoad === key) return;
  followingLoad = key;
  const keys = new Set<string>();
  try {
    let after: string | undefined;
    for (let page = 0; page < FOLLOWING_MAX_PAGES; page++) {
      const found = await store.nodeApi.following(key, 200, after);
      for (const item of found.items) keys.add(item.pubkey);
      after = found.next;
      if (after === undefined) break;
    }
    followingSet = { key, keys };
    changed();
  } catch {
    // unknown for now: replies stay in their plain order
  } finally {
    followingLoad = undefined;
  }
}

/**
 * The keys the reader follows (confirmed follows, with this browser's pending follows and
 * unfollows applied); undefined until known or without a key.
 */
export function useFollowing(): ReadonlySet<string> | undefined {
  useSocialVersion();
  const key = store.state.identity?.publicKey ?? store.state.lockedKey?.publicKey;
  useEffect(() => {
    if (key !== undefined && followingSet?.key !== key) void loadFollowing(key);
  }, [key]);
  if (key === undefined || followingSet?.key !== key) return undefined;
  const keys = new Set(followingSet.keys);
  for (const action of pending) {
    if (action.ref === undefined) continue;
    if (action.kind === 'follow') keys.add(action.ref);
    if (action.kind === 'unfollow') keys.delete(action.ref);
  }
  return keys;
}
