/**
 * The reader's notifications, newest first: replies, mentions and quotes as cards (to read and
 * answer them here), reactions, reposts and follows as one line each. Opening the page marks
 * them seen (the header's count goes to zero).
 */
import { useEffect } from 'preact/hooks';
import type { Notification } from '#core/api/schemas.ts';
import { PostCard } from '../components/PostCard.tsx';
import { shortHash } from '../lib/format.ts';
import { displayName } from '../lib/identity-format.ts';
import { paths } from '../router.ts';
import {
  markNotificationsSeen,
  moreNotifications,
  refreshNotifications,
  useNotifications,
} from '../state/notifications.ts';
import { useStore } from '../store.ts';

const VERBS: Record<Notification['type'], string> = {
  reply: 'replied to your post',
  mention: 'mentioned you',
  react: 'reacted',
  repost: 'reposted your post',
  quote: 'quoted your post',
  follow: 'followed you',
};

export default function NotificationsPage() {
  const { identity, lockedKey, now, status } = useStore();
  const notifications = useNotifications();
  const hasKey = identity !== undefined || lockedKey !== undefined;
  useEffect(() => {
    void refreshNotifications();
  }, []);
  useEffect(() => {
    if (notifications.unread > 0) markNotificationsSeen();
  }, [notifications.items]);

  return (
    <>
      <h2 class="page-title">Notifications</h2>
      {!hasKey ? (
        <p class="muted">
          Notifications are for a key: you have none yet. Write a post or follow someone, and a key is made in
          this browser.
        </p>
      ) : !notifications.loaded ? (
        <p class="muted">Loading…</p>
      ) : notifications.items.length === 0 ? (
        <p class="empty">
          No notifications yet: replies, mentions, reactions, reposts, quotes and follows show here.
        </p>
      ) : (
        <ul class="notification-list" aria-label="Notifications, newest first">
          {notifications.items.map((item) => (
            <li key={`${item.type}-${item.post.id}`} class="notification" data-type={item.type}>
              <p class="notification-line">
                <a
                  href={
                    item.post.post.pubkey ? paths.author(item.post.post.pubkey) : paths.post(item.post.id)
                  }
                >
                  <bdi>
                    {item.post.social?.handle
                      ? `@${item.post.social.handle}`
                      : displayName(item.post.post.author)}
                  </bdi>
                </a>{' '}
                {VERBS[item.type]}
                {item.type === 'react' ? ` ${item.post.post.content}` : ''}
                {item.post.post.ref !== undefined && item.type !== 'follow' ? (
                  <>
                    {' · '}
                    <a href={paths.post(item.post.post.ref)}>post {shortHash(item.post.post.ref, 8, 0)}</a>
                  </>
                ) : null}
              </p>
              {item.type === 'reply' || item.type === 'mention' || item.type === 'quote' ? (
                <PostCard view={item.post} now={now} tipHeight={status?.height} threads={false} />
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {notifications.error !== undefined ? (
        <p class="error" role="alert">
          Notifications could not be loaded: {notifications.error}
        </p>
      ) : null}
      {notifications.next !== undefined ? (
        <button type="button" class="secondary" onClick={() => void moreNotifications()}>
          Older notifications
        </button>
      ) : null}
    </>
  );
}
