/** The header's link to the notifications, with the unread count (state/notifications.ts). */
import { paths } from '../router.ts';
import { useNotifications } from '../state/notifications.ts';

export function NotificationsLink({ current }: { current: boolean }) {
  const { unread } = useNotifications();
  return (
    <a
      href={paths.notifications}
      aria-current={current ? 'page' : undefined}
      data-testid="notifications-link"
    >
      Notifications
      {unread > 0 ? (
        <span class="unread-count" data-testid="unread-count">
          {unread >= 30 ? '30+' : unread}
          <span class="visually-hidden"> unread</span>
        </span>
      ) : null}
    </a>
  );
}
