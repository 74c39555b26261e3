/**
 * A thread's replies ranked by the reader's follow graph: replies by people the reader follows
 * (and the reader's own) first, in their order; the rest under "More replies". Without a key or
 * follows, or when one group is empty, the replies keep their plain order. Muted authors' replies
 * are left out.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { PostView } from '../api.ts';
import { isMuted, useLocalLists } from '../state/local-lists.ts';
import { useFollowing } from '../state/social.ts';
import { useStore } from '../store.ts';

export function RankedReplies({
  items,
  render,
}: {
  items: readonly PostView[];
  render: (reply: PostView) => ComponentChildren;
}) {
  useLocalLists();
  const following = useFollowing();
  const shown = items.filter((view) => !isMuted(view));
  const me = useStore().identity?.publicKey;
  const [open, setOpen] = useState(false);
  const close = (view: PostView) =>
    view.signed &&
    view.post.pubkey !== undefined &&
    (view.post.pubkey === me || following?.has(view.post.pubkey));
  const first = shown.filter(close);
  const rest = shown.filter((view) => !close(view));
  if (first.length === 0 || rest.length === 0) return <>{shown.map(render)}</>;
  return (
    <>
      <div data-testid="followed-replies">{first.map(render)}</div>
      <button
        type="button"
        class="link-button more-replies"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {open ? 'Hide the other replies' : `More replies (${rest.length})`}
      </button>
      {open ? <div data-testid="other-replies">{rest.map(render)}</div> : null}
    </>
  );
}
