/**
 * What this browser keeps for the reader, never on chain: bookmarked posts (newest bookmark
 * first, read from the node) and the mute list with Unmute.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PostView } from '../api.ts';
import { PostCard } from '../components/PostCard.tsx';
import { shortFingerprint } from '../lib/identity-format.ts';
import { paths } from '../router.ts';
import { bookmarkList, mutedList, setMuted, useLocalLists } from '../state/local-lists.ts';
import { store, useStore } from '../store.ts';

export default function SavedPage() {
  useLocalLists();
  const { now, status, connection } = useStore();
  const ids = bookmarkList();
  const [views, setViews] = useState<Record<string, PostView | 'missing'>>({});
  useEffect(() => {
    if (connection !== 'online') return;
    let live = true;
    for (const id of ids) {
      if (views[id] !== undefined) continue;
      store.nodeApi.post(id).then(
        (view) => live && setViews((all) => ({ ...all, [id]: view })),
        () => live && setViews((all) => ({ ...all, [id]: 'missing' })),
      );
    }
    return () => {
      live = false;
    };
  }, [ids.join(), connection]);
  const muted = mutedList();

  return (
    <>
      <h2 class="page-title">Saved in this browser</h2>
      <p class="muted">Bookmarks and the mute list stay in this browser: they are never sent to a node.</p>
      <section aria-labelledby="bookmarks-title">
        <h3 id="bookmarks-title">Bookmarks</h3>
        {ids.length === 0 ? <p class="empty">No bookmarks yet: press Bookmark under a post.</p> : null}
        <div class="post-list" data-testid="bookmarks">
          {ids.map((id) => {
            const view = views[id];
            if (view === undefined)
              return (
                <p key={id} class="muted">
                  Loading…
                </p>
              );
            if (view === 'missing')
              return (
                <p key={id} class="muted">
                  A post this node does not have: <a href={paths.post(id)}>{id.slice(0, 12)}</a>
                </p>
              );
            return <PostCard key={id} view={view} now={now} tipHeight={status?.height} threads={false} />;
          })}
        </div>
      </section>
      <section aria-labelledby="muted-title">
        <h3 id="muted-title">Muted</h3>
        {muted.length === 0 ? (
          <p class="empty">Nobody is muted. “Mute author” under a post hides that author’s posts here.</p>
        ) : (
          <ul class="muted-list">
            {muted.map((target) => {
              const label = target.startsWith('name:')
                ? `${target.slice(5)} (unsigned name)`
                : `Key ${shortFingerprint(target)}`;
              return (
                <li key={target}>
                  {target.startsWith('name:') ? label : <a href={paths.author(target)}>{label}</a>}{' '}
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`Unmute ${label}`}
                    onClick={() => setMuted(target, false)}
                  >
                    Unmute
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}
