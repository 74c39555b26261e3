/**
 * What stays in this browser and never goes on chain: the mute list (keys, or the names of
 * unsigned authors), bookmarks (post ids, newest first) and drafts (the composer's text, per
 * composer: the new post or a reply to one post). All in localStorage; a full or disabled
 * storage only means they are forgotten.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PostView } from '../api.ts';
import { storage } from '../lib/storage.ts';

const MUTED_KEY = 'yournet.muted';
const BOOKMARKS_KEY = 'yournet.bookmarks';
const draftKey = (composer: string) => `yournet.draft.${composer}`;
/** Bookmarks kept at most (oldest dropped). */
const MAX_BOOKMARKS = 500;

function readList(key: string): string[] {
  try {
    const value = JSON.parse(storage.get(key) ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

let muted: readonly string[] = readList(MUTED_KEY);
let bookmarks: readonly string[] = readList(BOOKMARKS_KEY);
const listeners = new Set<() => void>();

function changed(): void {
  for (const listener of listeners) listener();
}

/** Who a post is muted by: its key when signed, else its free-text author name. */
export function muteTarget(view: PostView): string {
  return view.signed && view.post.pubkey !== undefined ? view.post.pubkey : `name:${view.post.author}`;
}

export function isMuted(view: PostView): boolean {
  return muted.includes(muteTarget(view));
}

export function mutedList(): readonly string[] {
  return muted;
}

export function setMuted(target: string, on: boolean): void {
  muted = on ? [...muted.filter((item) => item !== target), target] : muted.filter((item) => item !== target);
  storage.set(MUTED_KEY, JSON.stringify(muted));
  changed();
}

export function bookmarkList(): readonly string[] {
  return bookmarks;
}

export function isBookmarked(id: string): boolean {
  return bookmarks.includes(id);
}

export function setBookmarked(id: string, on: boolean): void {
  const rest = bookmarks.filter((item) => item !== id);
  bookmarks = on ? [id, ...rest].slice(0, MAX_BOOKMARKS) : rest;
  storage.set(BOOKMARKS_KEY, JSON.stringify(bookmarks));
  changed();
}

/** Re-renders the component when the mute list or the bookmarks change. */
export function useLocalLists(): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((tick) => tick + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
}

/** The draft of a composer ('new', or the id of the post replied to). */
export function loadDraft(composer: string): string {
  return storage.get(draftKey(composer)) ?? '';
}

export function saveDraft(composer: string, text: string): void {
  if (text === '') storage.remove(draftKey(composer));
  else storage.set(draftKey(composer), text);
}
