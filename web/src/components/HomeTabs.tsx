/**
 * Home's two timelines: **Everyone** (the node's feed) and **Following** (the posts, quotes and
 * reposts of the keys the reader follows, GET /api/v1/timeline/:pubkey). The choice is kept in
 * this browser. The Following list loads with its own chunk.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { lazy } from '../lib/lazy.tsx';
import { storage } from '../lib/storage.ts';

const FollowingTimeline = lazy(
  () => import('../pages/Following.tsx').then((m) => m.default),
  <p class="muted">Loading…</p>,
);

type Tab = 'everyone' | 'following';
const TAB_KEY = 'yournet.home-tab';

export function HomeTabs({ everyone }: { everyone: ComponentChildren }) {
  const [tab, setTab] = useState<Tab>(() =>
    storage.get(TAB_KEY) === 'following' ? 'following' : 'everyone',
  );
  const choose = (next: Tab) => {
    storage.set(TAB_KEY, next);
    setTab(next);
  };
  const tabs: { id: Tab; label: string }[] = [
    { id: 'everyone', label: 'Everyone' },
    { id: 'following', label: 'Following' },
  ];
  return (
    <>
      <div class="home-tabs" role="tablist" aria-label="Timelines">
        {tabs.map((item) => (
          <button
            type="button"
            role="tab"
            key={item.id}
            id={`tab-${item.id}`}
            aria-selected={tab === item.id}
            aria-controls="timeline-panel"
            tabIndex={tab === item.id ? 0 : -1}
            onClick={() => choose(item.id)}
            onKeyDown={(event) => {
              if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
              event.preventDefault();
              const other = item.id === 'everyone' ? 'following' : 'everyone';
              choose(other);
              document.getElementById(`tab-${other}`)?.focus();
            }}
          >
            {item.label}
          </button>
        ))}
      </div>
      <div id="timeline-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'everyone' ? everyone : <FollowingTimeline />}
      </div>
    </>
  );
}
