import { useEffect, useState } from 'preact/hooks';
import { Composer } from '../components/Composer.tsx';
import { HomeTabs } from '../components/HomeTabs.tsx';
import { Intro, KeyNotice, UnlockPrompt } from '../components/Onboarding.tsx';
import { PostListView } from '../components/PostList.tsx';
import { absoluteTime, formatCount } from '../lib/format.ts';
import { paths } from '../router.ts';
import { mineAvailability } from '../state/mine-access.ts';
import { store, useStore } from '../store.ts';

/** What Resync says: nothing yet, working, or where the node stands once done. */
type SyncFeedback = { state: 'idle' } | { state: 'syncing' } | { state: 'done'; at: number };

/** The longest the Composer and the explainer wait for the feed's first page before they render anyway. */
const COMPOSER_WAIT_MS = 1_000;

/** Set once Home has had its first turn in this page: Home shown again renders whole at once. */
let hadTurn = false;

/**
 * True once the parts above the posts that cost most to render (the Composer, the first-visit
 * explainer) may render: the task after the feed's first page is on screen (or has failed), at
 * the latest COMPOSER_WAIT_MS after the page opened. The feed's first page often comes with the
 * page itself (the node's data block): without this they would add ~0.1 s each on a slow phone
 * to the first render, before the first posts instead of after them.
 */
function useSecondTurn(feedShown: boolean): boolean {
  const [turn, setTurn] = useState(feedShown && hadTurn);
  useEffect(() => {
    if (turn) return;
    const timer = setTimeout(
      () => {
        hadTurn = true;
        setTurn(true);
      },
      feedShown ? 0 : COMPOSER_WAIT_MS,
    );
    return () => clearTimeout(timer);
  }, [turn, feedShown]);
  return turn;
}

/**
 * The tutorial's page, kept: the form, "Request to mine" (when this node takes the request from
 * this browser), "Resync" (with feedback), and the conversations: top-level posts with their
 * reply counts. First visits get the explainer (rendered after the first posts); a new key, the
 * backup notice.
 */
export function Home() {
  const app = useStore();
  const { mining } = app;
  const [sync, setSync] = useState<SyncFeedback>({ state: 'idle' });
  const access = mineAvailability(app.mineAccess);
  const secondTurn = useSecondTurn(app.feed.loaded || app.feed.error !== undefined);
  const resync = async () => {
    setSync({ state: 'syncing' });
    await store.resync();
    setSync({ state: 'done', at: Date.now() });
  };
  const syncing = app.syncing || sync.state === 'syncing';
  const blocks = app.status ? app.status.height + 1 : undefined;
  return (
    <>
      {secondTurn ? <Intro /> : null}
      <UnlockPrompt />
      <section class="card" aria-label="Write a post">
        {secondTurn ? <Composer /> : <div class="composer-placeholder" />}
      </section>
      <KeyNotice />
      <section class="toolbar" aria-label="Node actions">
        {access.can ? (
          <button
            type="button"
            class="secondary"
            onClick={() => void store.mine()}
            disabled={mining.state === 'mining'}
            title="Ask the node to make a block now: pending posts are confirmed at once"
          >
            {mining.state === 'mining' ? 'Mining…' : 'Request to mine'}
          </button>
        ) : null}
        <button
          type="button"
          class="secondary"
          onClick={() => void resync()}
          disabled={syncing}
          title="Fetch the node's newest state again"
        >
          {syncing ? 'Resyncing…' : 'Resync'}
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
          {mining.state === 'idle' && !access.can ? (
            <span class="muted" data-testid="mine-unavailable">
              {access.why} <a href={paths.settings}>Settings</a>
            </span>
          ) : null}
        </p>
        <p class="toolbar-status" role="status" aria-live="polite" data-testid="sync-status">
          {syncing ? (
            <>
              <span class="spinner" aria-hidden="true" /> Resyncing…
            </>
          ) : sync.state === 'done' && app.connection === 'online' && blocks !== undefined ? (
            <span>
              Up to date · {blocks === 1 ? '1 block' : `${formatCount(blocks)} blocks`} · checked at{' '}
              {absoluteTime(sync.at)}
            </span>
          ) : sync.state === 'done' ? (
            <span class="error">The node could not be reached: {app.connectionError ?? 'no answer'}</span>
          ) : app.lastSync ? (
            <span class="muted">Synced at {absoluteTime(app.lastSync)}</span>
          ) : null}
        </p>
      </section>
      <HomeTabs
        everyone={
          <PostListView
            list={app.feed}
            onMore={() => void store.loadFeed()}
            label="Posts, newest first"
            empty="No posts yet. Write the first one!"
          />
        }
      />
    </>
  );
}
