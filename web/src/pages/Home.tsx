import { Composer } from '../components/Composer.tsx';
import { PostListView } from '../components/PostList.tsx';
import { absoluteTime } from '../lib/format.ts';
import { paths } from '../router.ts';
import { store, useStore } from '../store.ts';

/** The tutorial's page, kept: the form, "Request to mine", "Resync", and the posts. */
export function Home() {
  const app = useStore();
  const { mining } = app;
  return (
    <>
      <section class="card" aria-label="Write a post">
        <Composer />
      </section>
      <section class="toolbar" aria-label="Node actions">
        <button
          type="button"
          class="secondary"
          onClick={() => void store.mine()}
          disabled={mining.state === 'mining'}
        >
          {mining.state === 'mining' ? 'Mining…' : 'Request to mine'}
        </button>
        <button type="button" class="secondary" onClick={() => void store.resync()} disabled={app.syncing}>
          {app.syncing ? 'Resyncing…' : 'Resync'}
        </button>
        <p
          class={`toolbar-status${mining.state === 'error' ? ' error' : ''}`}
          role="status"
          aria-live="polite"
          data-testid="mining-status"
        >
          {mining.state === 'mining' ? <span class="spinner" aria-hidden="true" /> : null}
          {mining.height !== undefined && mining.state === 'done' ? (
            <>
              Block <a href={paths.block(mining.height)}>#{mining.height}</a> mined with{' '}
              {mining.posts === 1 ? '1 post' : `${mining.posts ?? 0} posts`}.
            </>
          ) : (
            mining.message
          )}
          {mining.state === 'idle' && app.lastSync ? (
            <span class="muted">Synced at {absoluteTime(app.lastSync)}</span>
          ) : null}
        </p>
      </section>
      <PostListView
        list={app.feed}
        onMore={() => void store.loadFeed()}
        label="Posts, newest first"
        empty="No posts yet. Write the first one!"
      />
    </>
  );
}
