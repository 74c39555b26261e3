/**
 * The Following timeline: the posts of the keys the reader follows, newest first in chain order,
 * pending ones first (GET /api/v1/timeline/:pubkey). Says why it is empty: no key, no follows,
 * or no posts yet.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PostListView } from '../components/PostList.tsx';
import type { PostList } from '../store.ts';
import { store, useStore } from '../store.ts';

export default function FollowingTimeline() {
  const { identity, lockedKey, status, connection } = useStore();
  const pubkey = identity?.publicKey ?? lockedKey?.publicKey;
  const [list, setList] = useState<PostList>({ items: [], loading: false, loaded: false });
  const [follows, setFollows] = useState<number>();
  const current = useRef(list);
  current.current = list;

  const load = async (reset: boolean) => {
    if (pubkey === undefined) return;
    const before = reset ? undefined : current.current.next;
    if (!reset && before === undefined) return;
    setList({ ...current.current, loading: true });
    try {
      const [page, person] = await Promise.all([
        store.nodeApi.timeline(pubkey, 30, before),
        reset ? store.nodeApi.person(pubkey) : Promise.resolve(undefined),
      ]);
      if (person !== undefined) setFollows(person.following);
      setList({
        items: reset ? page.items : [...current.current.items, ...page.items],
        ...(page.next !== undefined ? { next: page.next } : {}),
        loading: false,
        loaded: true,
      });
    } catch (error) {
      setList({ ...current.current, loading: false, loaded: true, error: (error as Error).message });
    }
  };

  useEffect(() => {
    void load(true);
  }, [pubkey, status?.height, connection === 'online']);

  if (pubkey === undefined)
    return (
      <p class="empty" data-testid="following-empty">
        The Following timeline shows the people you follow, and following needs a key: open someone’s page and
        press Follow (a key is made in this browser), or write a post.
      </p>
    );
  return (
    <PostListView
      list={list}
      onMore={() => void load(false)}
      label="Posts of the people you follow, newest first"
      empty={
        follows === 0
          ? 'You follow nobody yet: open an author’s page (their name on a post) and press Follow.'
          : 'The people you follow have not posted yet.'
      }
    />
  );
}
