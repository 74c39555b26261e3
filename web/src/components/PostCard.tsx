import { useRef, useState } from 'preact/hooks';
import type { PostView } from '../api.ts';
import {
  absoluteTime,
  confirmationsText,
  formatCount,
  isoTime,
  relativeTime,
  shortHash,
} from '../lib/format.ts';
import { avatarHue, avatarInitial, displayName, shortFingerprint } from '../lib/identity-format.ts';
import { memo } from '../lib/memo.ts';
import { paths } from '../router.ts';
import { store, useStore } from '../store.ts';
import { Composer } from './Composer.tsx';
import { PostText } from './PostText.tsx';
import { RankedReplies } from './RankedReplies.tsx';
import { RichText } from './RichText.tsx';
// On every card of the first page: in the main chunk (a lazy chunk here only added bytes and a request).
import SocialBar from './SocialBar.tsx';

export function Avatar({ author, seed, size = 'md' }: { author: string; seed: string; size?: 'md' | 'lg' }) {
  return (
    <span class={`avatar avatar-${size} hue-${avatarHue(seed) % 12}`} aria-hidden="true">
      {avatarInitial(author)}
    </span>
  );
}

/** "Posted at <full local date and time> · 5 minutes ago". */
export function PostedAt({ seconds, now }: { seconds: number; now: number }) {
  const ms = seconds * 1000;
  return (
    <span class="posted-at">
      Posted at{' '}
      <time dateTime={isoTime(ms)} title={isoTime(ms)}>
        {absoluteTime(ms)}
      </time>
      <span class="relative"> · {relativeTime(ms, now)}</span>
    </span>
  );
}

export function StatusBadge({ view, tipHeight }: { view: PostView; tipHeight: number | undefined }) {
  if (view.status === 'pending' || view.block === undefined) {
    return (
      <span class="badge badge-pending" data-status="pending">
        Pending
      </span>
    );
  }
  const confirmations =
    tipHeight !== undefined ? Math.max(1, tipHeight - view.block.height + 1) : (view.confirmations ?? 1);
  return (
    <span class="badge badge-confirmed" data-status="confirmed">
      Confirmed in <a href={paths.block(view.block.height)}>block #{view.block.height}</a> ·{' '}
      {confirmationsText(confirmations)}
    </span>
  );
}

export function AuthorLine({ view }: { view: PostView }) {
  const { post } = view;
  const signed = view.signed && post.pubkey !== undefined;
  return (
    <span class="author-line">
      <a class="author" href={signed ? paths.author(post.pubkey!) : paths.name(post.author)}>
        <bdi>{displayName(post.author)}</bdi>
      </a>
      {signed ? (
        <>
          <span class="fingerprint" title={`Key ${post.pubkey}`}>
            {shortFingerprint(post.pubkey!)}
          </span>
          <span class="badge badge-verified" title="Signed with this key; the node checked the signature">
            <span aria-hidden="true">✓</span> Signed
          </span>
        </>
      ) : (
        <span class="badge badge-unverified" title="No signature: anyone could have written this name">
          Unverified
        </span>
      )}
    </span>
  );
}

/** Over this many characters, or lines, a post is collapsed in lists ("Show more"). */
const LONG_CHARS = 600;
const LONG_LINES = 12;

/** True for content that would take more than ~12 lines of a card: it collapses in lists. */
export function isLongContent(content: string): boolean {
  if (content.length > LONG_CHARS) return true;
  let lines = 1;
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) {
    if (++lines > LONG_LINES) return true;
  }
  return false;
}

/** The content as text; a long one collapsed to ~12 lines with "Show more", unless `full`. */
function Content({ id, content, full }: { id: string; content: string; full: boolean }) {
  const [expanded, setExpanded] = useState(false);
  const long = !full && isLongContent(content);
  const collapsed = long && !expanded;
  const contentId = `content-${id.slice(0, 12)}`;
  return (
    <>
      <p id={contentId} class={`content${collapsed ? ' content-collapsed' : ''}`} dir="auto">
        <RichText text={content} />
      </p>
      {long ? (
        <button
          type="button"
          class="link-button show-more"
          aria-expanded={expanded}
          aria-controls={contentId}
          onClick={() => setExpanded(!expanded)}
        >
          {expanded ? 'Show less' : 'Show more'}
        </button>
      ) : null}
    </>
  );
}

interface CardProps {
  view: PostView;
  now: number;
  tipHeight: number | undefined;
  /** Show the replies under the post (feed and post page). */
  threads?: boolean;
  /** Nested inside a thread: no thread of its own. */
  nested?: boolean;
  /** The post's own page: long content shown whole. */
  full?: boolean;
}

/** One post: avatar, author, key, time, state, content (as text), Reply and its thread. */
export const PostCard = memo(function PostCard({
  view,
  now,
  tipHeight,
  threads = true,
  nested = false,
  full = false,
}: CardProps) {
  const [replying, setReplying] = useState(false);
  const [open, setOpen] = useState(false);
  const replyButton = useRef<HTMLButtonElement>(null);
  // Focus goes back to Reply before the reply box is removed, so it never drops to the body,
  // not even for a frame (a screen reader would announce the page again).
  const closeReply = () => {
    replyButton.current?.focus();
    setReplying(false);
  };
  const { post } = view;
  const seed = post.pubkey ?? post.author;
  const toggleThread = () => {
    if (!open) void store.loadThread(view.id);
    setOpen(!open);
  };
  return (
    <article class={`post${nested ? ' post-nested' : ''}`} data-post-id={view.id} data-status={view.status}>
      <Avatar author={post.author} seed={seed} />
      <div class="post-body">
        <header class="post-header">
          <AuthorLine view={view} />
          <span class="post-meta">
            <PostedAt seconds={post.timestamp} now={now} />
          </span>
          <span class="post-state">
            <StatusBadge view={view} tipHeight={tipHeight} />
          </span>
        </header>
        {post.reply_to !== undefined && !nested ? (
          <p class="in-reply-to">
            <span aria-hidden="true">↪ </span>In reply to{' '}
            <a href={paths.post(post.reply_to)}>post {shortHash(post.reply_to, 8, 0)}</a> ·{' '}
            <a href={paths.post(post.reply_to)} data-testid="thread-link">
              See the conversation
            </a>
          </p>
        ) : null}
        <PostText view={view} render={(content) => <Content id={view.id} content={content} full={full} />} />
        <footer class="post-actions">
          <button
            ref={replyButton}
            type="button"
            class="link-button"
            aria-expanded={replying}
            onClick={() => setReplying(!replying)}
          >
            Reply
          </button>
          {threads && !nested && view.replies > 0 ? (
            <button type="button" class="link-button" aria-expanded={open} onClick={toggleThread}>
              {open ? 'Hide replies' : view.replies === 1 ? 'Show 1 reply' : `Show ${view.replies} replies`}
            </button>
          ) : null}
          <SocialBar view={view} />
          <a class="details" href={paths.post(view.id)} title={`Post ${view.id}`}>
            Details
          </a>
        </footer>
        {replying ? (
          <div class="reply-box">
            <Composer
              replyTo={view.id}
              replyingTo={post.author}
              onDone={() => {
                closeReply();
                if (threads && !nested && !open) {
                  setOpen(true);
                  void store.loadThread(view.id);
                }
              }}
              onCancel={closeReply}
            />
          </div>
        ) : null}
        {threads && !nested && open ? (
          <Thread parent={view.id} now={now} tipHeight={tipHeight} total={view.replies} />
        ) : null}
      </div>
    </article>
  );
});

/** The replies to a post, oldest first, under it, page by page ("Load more replies"). */
export function Thread({
  parent,
  now,
  tipHeight,
  total,
}: {
  parent: string;
  now: number;
  tipHeight: number | undefined;
  /** The parent's reply count, when known: how many are still to load. */
  total?: number;
}) {
  const { threads } = useStore();
  const thread = threads[parent];
  if (thread === undefined || (thread.loading && !thread.loaded))
    return <p class="muted thread">Loading replies…</p>;
  if (thread.error !== undefined && !thread.loaded)
    return <p class="error thread">Replies could not be loaded: {thread.error}</p>;
  const left = total !== undefined ? total - thread.items.length : undefined;
  return (
    <section class="thread" aria-label="Replies" aria-busy={thread.loading}>
      {thread.items.length === 0 && thread.next === undefined ? <p class="muted">No replies yet.</p> : null}
      <RankedReplies
        items={thread.items}
        render={(reply) => <PostCard key={reply.id} view={reply} now={now} tipHeight={tipHeight} nested />}
      />
      {thread.error !== undefined ? (
        <p class="error" role="alert">
          More replies could not be loaded: {thread.error}
        </p>
      ) : null}
      {thread.next !== undefined ? (
        <button
          type="button"
          class="secondary load-more-replies"
          disabled={thread.loading}
          onClick={() => void store.moreReplies(parent)}
        >
          {thread.loading
            ? 'Loading replies…'
            : left !== undefined && left > 0
              ? `Load more replies (${formatCount(left)} more)`
              : 'Load more replies'}
        </button>
      ) : null}
    </section>
  );
}
