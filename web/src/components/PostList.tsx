import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { FeedQuery, PostView } from '../api.ts';
import { isMuted, useLocalLists } from '../state/local-lists.ts';
import type { PostList as PostListState } from '../store.ts';
import { store, useStore } from '../store.ts';
import { PostCard } from './PostCard.tsx';

interface Props {
  list: PostListState;
  onMore: () => void;
  empty: string;
  label: string;
}

/**
 * A paged list of posts, newest first, with infinite scroll (an IntersectionObserver on the end
 * of the list) and a "Load older posts" button for keyboards. Cards use `content-visibility:
 * auto`, so a long scroll stays cheap to lay out. Marks `yournet:feed-render` once a page's data
 * is on screen (the 200 ms budget is checked by the e2e test).
 */
export function PostListView({ list, onMore, empty, label }: Props) {
  const { now, status } = useStore();
  useLocalLists();
  const sentinel = useRef<HTMLDivElement>(null);
  const more = useRef(onMore);
  more.current = onMore;
  const canLoadMore = list.next !== undefined && !list.loading;

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !canLoadMore || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) more.current();
      },
      { rootMargin: '600px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [canLoadMore, list.items.length, list.next]);

  useLayoutEffect(() => {
    if (!list.loaded) return;
    requestAnimationFrame(() => {
      if (performance.getEntriesByName('yournet:feed-data', 'mark').length > 0) {
        performance.measure('yournet:feed-render', 'yournet:feed-data');
        performance.clearMarks('yournet:feed-data');
      }
    });
  }, [list.items]);

  return (
    <section class="post-list" aria-label={label} aria-busy={list.loading}>
      {list.items.filter(isCard).map((view) => (
        <PostCard key={view.id} view={view} now={now} tipHeight={status?.height} />
      ))}
      {list.loaded && list.items.length === 0 && list.next === undefined ? (
        <p class="empty">{empty}</p>
      ) : null}
      {list.error ? (
        <p class="error" role="alert">
          {list.error}
        </p>
      ) : null}
      <div ref={sentinel} class="list-end">
        {list.loading ? <p class="muted">Loading…</p> : null}
        {canLoadMore ? (
          <button type="button" class="secondary" onClick={() => more.current()}>
            Load older posts
          </button>
        ) : null}
        {list.loaded && list.next === undefined && list.items.length > 0 ? (
          <p class="muted">That is everything.</p>
        ) : null}
      </div>
    </section>
  );
}

/**
 * Social actions show on their target's card, not as cards, except reposts and quotes (§13);
 * the posts of muted authors are not shown at all.
 */
export function isCard(view: PostView): boolean {
  const { kind } = view.post;
  return (kind === undefined || kind === 'quote' || kind === 'repost') && !isMuted(view);
}

/** A filtered feed owned by one page (author, name, search): its own pages and cursor. */
export function usePagedPosts(query: FeedQuery | undefined): { list: PostListState; more: () => void } {
  const { nodeUrl, connection } = useStore();
  const [list, setList] = useState<PostListState>({ items: [], loading: false, loaded: false });
  const key = JSON.stringify(query ?? null);
  const state = useRef({ key, list });
  state.current.list = list;

  const load = async (reset: boolean) => {
    if (query === undefined) return;
    const current = state.current.list;
    if (!reset && (current.loading || current.next === undefined)) return;
    const myKey = key;
    state.current.key = myKey;
    setList({ ...(reset ? { items: [], loaded: false } : current), loading: true });
    try {
      const page = await store.nodeApi.feed({
        limit: 50,
        ...query,
        ...(reset ? {} : { before: current.next }),
      });
      if (state.current.key !== myKey) return;
      const items: PostView[] = reset ? page.items : [...current.items, ...page.items];
      setList({ items, next: page.next, loading: false, loaded: true });
    } catch (error) {
      if (state.current.key !== myKey) return;
      setList({
        ...state.current.list,
        loading: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  useEffect(() => {
    void load(true);
  }, [key, nodeUrl, connection === 'online']);

  return { list, more: () => void load(false) };
}
