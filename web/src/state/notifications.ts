/**
 * The reader's notifications (replies, mentions, reactions, reposts, quotes, follows: GET
 * /api/v1/notifications/:pubkey) and how many are unread: newer than the last one seen on the
 * notifications page, a chain place kept in this browser per key. Refreshed by the node's
 * `notification` event for this key, and at every new tip (a reorg can take one back).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Notification } from '#core/api/schemas.ts';
import { storage } from '../lib/storage.ts';
import { store } from '../store.ts';
import { notificationListeners } from './event-stream.ts';

export interface NotificationsState {
  readonly pubkey?: string;
  readonly items: readonly Notification[];
  readonly next?: number;
  readonly unread: number;
  readonly loaded: boolean;
  readonly error?: string;
}

const PAGE = 30;
const seenKey = (pubkey: string) => `yournet.notifications-seen.${pubkey}`;
const listeners = new Set<() => void>();
let state: NotificationsState = { items: [], unread: 0, loaded: false };
let generation = 0;

function set(next: NotificationsState): void {
  state = next;
  for (const listener of listeners) listener();
}

function seen(pubkey: string): number {
  return Number(storage.get(seenKey(pubkey)) ?? 0) || 0;
}

function unreadOf(items: readonly Notification[], pubkey: string): number {
  const after = seen(pubkey);
  return items.filter((item) => item.cursor > after).length;
}

/** Loads the first page again for the current key (nothing without a key). */
export async function refreshNotifications(): Promise<void> {
  const pubkey = store.state.identity?.publicKey ?? store.state.lockedKey?.publicKey;
  const mine = ++generation;
  if (pubkey === undefined) return set({ items: [], unread: 0, loaded: true });
  try {
    const page = await store.nodeApi.notifications(pubkey, PAGE);
    if (mine !== generation) return;
    set({
      pubkey,
      items: page.items,
      ...(page.next !== undefined ? { next: page.next } : {}),
      unread: unreadOf(page.items, pubkey),
      loaded: true,
    });
  } catch (error) {
    if (mine !== generation) return;
    set({ ...state, loaded: true, error: (error as Error).message });
  }
}

/** The next (older) page. */
export async function moreNotifications(): Promise<void> {
  const { pubkey, next } = state;
  if (pubkey === undefined || next === undefined) return;
  const page = await store.nodeApi.notifications(pubkey, PAGE, next);
  set({ ...state, items: [...state.items, ...page.items], next: page.next });
}

/** The reader saw everything loaded: the count goes to zero until a newer one arrives. */
export function markNotificationsSeen(): void {
  const { pubkey, items } = state;
  if (pubkey === undefined || items.length === 0) return;
  const newest = Math.max(...items.map((item) => item.cursor));
  if (newest > seen(pubkey)) storage.set(seenKey(pubkey), String(newest));
  set({ ...state, unread: 0 });
}

export function useNotifications(): NotificationsState {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return state;
}

let watched = '';
store.subscribe(() => {
  const { status, identity, lockedKey, connection } = store.state;
  const key = `${connection}:${status?.height}:${identity?.publicKey ?? lockedKey?.publicKey}`;
  if (key === watched || connection !== 'online') return;
  watched = key;
  void refreshNotifications();
});

notificationListeners.add((data) => {
  const to = (data as { to?: unknown }).to;
  if (typeof to === 'string' && to === (store.state.identity?.publicKey ?? store.state.lockedKey?.publicKey))
    void refreshNotifications();
});
