/**
 * How the feed and the threads change, as pure functions (tested in test/web): a live or just
 * sent post joins them, a refused one leaves them, a block confirms them, and pages merge with
 * what arrived live. The owners in feed.ts and threads.ts only apply them.
 */
import type { BlockSummary, Page, PostView } from '../api.ts';
import type { PostList } from './types.ts';

export const emptyList: PostList = { items: [], loading: false, loaded: false };

/** The seq of a post the node has not paged yet (live or optimistic): newer than any page. */
export const UNPAGED_SEQ = Number.MAX_SAFE_INTEGER;

export type Threads = Readonly<Record<string, PostList>>;

/**
 * The feed with a new post on top (when the feed is loaded), or, for a reply, its parent's reply
 * count raised instead: the feed shows conversations, not fragments. `undefined` when the feed
 * already shows the post, in which case nothing changes anywhere. A reply is counted once per id:
 * the caller keeps the ids it counted (`counted`).
 */
export function feedWithPost(
  feed: PostList,
  view: PostView,
  counted: ReadonlySet<string> = new Set(),
): PostList | undefined {
  if (feed.items.some((item) => item.id === view.id) || counted.has(view.id)) return undefined;
  const parent = view.post.reply_to;
  if (parent === undefined) return feed.loaded ? { ...feed, items: [view, ...feed.items] } : feed;
  return withReplyCount(feed, parent, +1);
}

/** The list with the reply count of post `parent` moved by `delta` (never below 0). */
export function withReplyCount(list: PostList, parent: string, delta: number): PostList {
  if (!list.items.some((item) => item.id === parent)) return list;
  const count = (item: PostView) =>
    item.id === parent ? { ...item, replies: Math.max(0, item.replies + delta) } : item;
  return { ...list, items: list.items.map(count) };
}

/**
 * The threads with a new reply at the end of its parent's thread, when that thread is open. A
 * thread not read to its end yet gets it too, after the pages (see threadWithNextPage).
 */
export function threadsWithReply(threads: Threads, view: PostView): Threads | undefined {
  const parent = view.post.reply_to;
  if (parent === undefined) return undefined;
  const thread = threads[parent];
  if (!thread?.loaded || thread.items.some((item) => item.id === view.id)) return undefined;
  return { ...threads, [parent]: { ...thread, items: [...thread.items, view] } };
}

/** The list without one post (a post the node refused). */
export function withoutPost(list: PostList, id: string): PostList {
  return { ...list, items: list.items.filter((item) => item.id !== id) };
}

/** Marks a block's posts (`ids`, in block order) confirmed in a list. */
export function withConfirmed(list: PostList, block: BlockSummary, ids: readonly string[]): PostList {
  const positions = new Map(ids.map((id, position) => [id, position]));
  const confirm = (item: PostView): PostView => {
    const position = positions.get(item.id);
    if (position === undefined) return item;
    return { ...item, status: 'confirmed', block: { hash: block.hash, height: block.height, position } };
  };
  return { ...list, items: list.items.map(confirm) };
}

/** Applies `change` to every thread. */
export function mapThreads(threads: Threads, change: (list: PostList) => PostList): Threads {
  const next: Record<string, PostList> = {};
  for (const [id, list] of Object.entries(threads)) next[id] = change(list);
  return next;
}

/**
 * The feed after a fresh first page: the page, under the posts that arrived live or were just
 * sent and that the page does not have yet.
 */
export function feedFromFirstPage(current: PostList, page: Page<PostView>): PostList {
  const ids = new Set(page.items.map((item) => item.id));
  const newer = current.items.filter((item) => item.seq === UNPAGED_SEQ && !ids.has(item.id));
  return { items: [...newer, ...page.items], next: page.next, loading: false, loaded: true };
}

/** The feed after the next (older) page: appended, skipping posts already shown. */
export function feedWithNextPage(current: PostList, page: Page<PostView>): PostList {
  const ids = new Set(current.items.map((item) => item.id));
  const items = [...current.items, ...page.items.filter((item) => !ids.has(item.id))];
  return { items, next: page.next, loading: false, loaded: true };
}

/** A thread from its first page of replies (the node pages a thread oldest first). */
export function threadFromPage(current: PostList, page: Page<PostView>): PostList {
  return threadWithNextPage({ ...current, items: current.items.filter(isUnpaged) }, page);
}

/**
 * A thread after its next page: the paged replies, the page (skipping replies already shown),
 * then the replies that arrived live and no page has brought yet. Nothing is dropped.
 */
export function threadWithNextPage(current: PostList, page: Page<PostView>): PostList {
  const pageIds = new Set(page.items.map((item) => item.id));
  const paged = current.items.filter((item) => !isUnpaged(item));
  const pagedIds = new Set(paged.map((item) => item.id));
  const live = current.items.filter((item) => isUnpaged(item) && !pageIds.has(item.id));
  const items = [...paged, ...page.items.filter((item) => !pagedIds.has(item.id)), ...live];
  return { items, next: page.next, loading: false, loaded: true };
}

const isUnpaged = (item: PostView): boolean => item.seq === UNPAGED_SEQ;
