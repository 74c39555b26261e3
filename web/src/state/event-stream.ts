/**
 * The node's event stream (server-sent events): parses each event and hands it on, and drops
 * events from a connection that has been replaced. The browser reconnects by itself.
 */
import type { BlockEvent as BlockSummaryEvent } from '../api.ts';
import type { BlockEvent } from './live-events.ts';

export interface LiveHandlers {
  post(data: unknown): void;
  block(data: BlockEvent): void;
  reorg(): void;
  /** A pending post left the node's full pool for denser ones. */
  evicted(id: string): void;
  /** The stream failed; `closed` when the browser gave up and will not reconnect. */
  error(closed: boolean): void;
}

/** Listeners of the `notification` event (state/notifications.ts): `{to, type, id}` as sent. */
export const notificationListeners = new Set<(data: unknown) => void>();

/** Opens the stream at `url`; returns undefined where the browser has no EventSource. */
export function openEventStream(
  url: string,
  handlers: LiveHandlers,
  isCurrent: () => boolean,
): EventSource | undefined {
  if (typeof EventSource === 'undefined') return undefined;
  const source = new EventSource(url);
  const live = (handler: (data: unknown) => void) => (event: MessageEvent<string>) => {
    if (!isCurrent()) return;
    try {
      handler(JSON.parse(event.data));
    } catch {
      // A malformed event is ignored; the next resync corrects the view.
    }
  };
  source.addEventListener(
    'post',
    live((data) => handlers.post(data)),
  );
  source.addEventListener(
    'block',
    live((data) => {
      // The node sends the BlockSummary of /api/v1/blocks; the app needs its hash, height and size.
      const block = data as BlockSummaryEvent;
      handlers.block({ hash: block.hash, height: block.height, posts: block.post_count });
    }),
  );
  source.addEventListener(
    'evicted',
    live((data) => {
      const id = (data as { id?: unknown }).id;
      if (typeof id === 'string') handlers.evicted(id);
    }),
  );
  source.addEventListener(
    'notification',
    live((data) => {
      for (const listener of notificationListeners) listener(data);
    }),
  );
  source.addEventListener(
    'reorg',
    live(() => handlers.reorg()),
  );
  source.onerror = () => {
    if (!isCurrent()) return;
    handlers.error(source.readyState === EventSource.CLOSED);
  };
  return source;
}
