/** History routing: the node serves index.html at every app route (src/node/api/webapp.ts). */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  readonly path: string;
  readonly query: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): Route {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** How the next page should take focus: after a link, at its top; after Back, where it was. */
let pendingFocus: 'top' | 'restore' | undefined;

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  if (!replace) pendingFocus = 'top';
  for (const listener of listeners) listener();
  if (!replace) window.scrollTo(0, 0);
}

addEventListener('popstate', () => {
  pendingFocus = 'restore';
  for (const listener of listeners) listener();
});

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const listener = () => setRoute(current());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return route;
}

/** Lets in-app links navigate without reloading (plain left clicks on same-origin links only). */
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (anchor === null || anchor === undefined) return;
    if (anchor.target !== '' || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    const samePage = url.pathname === location.pathname && url.search === location.search;
    // An in-page link (the skip link): move focus to its target, the page stays.
    if (samePage && url.hash !== '') focusTarget(url.hash.slice(1));
    else navigate(url.pathname + url.search);
  });
}

function focusTarget(id: string): void {
  let decoded = id;
  try {
    decoded = decodeURIComponent(id);
  } catch {
    // keep the raw id
  }
  const target = document.getElementById(decoded);
  if (target === null) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
}

/** The document's title on the feed: the tutorial's page title, kept. */
export const SITE_TITLE = 'YourNet: Decentralized content sharing';
/** How long a page may take to show its heading before focus goes to `main` itself. */
const HEADING_WAIT_MS = 1500;

/**
 * Makes page changes perceivable: `document.title` follows the page's heading ("Explorer ·
 * YourNet"), and after a navigation focus moves to that heading (or to `main` when the page has
 * none in time), so a screen reader announces the new page and Tab continues from there. Watches
 * `main` because pages show their heading when their data arrives. Returns the cleanup.
 */
export function watchPageChanges(main: HTMLElement): () => void {
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const heading = (): HTMLElement | null => main.querySelector('h1, h2');
  const update = () => {
    const found = heading();
    const text = found?.textContent?.trim() ?? '';
    const title = location.pathname === '/' || text === '' ? SITE_TITLE : `${text} · YourNet`;
    if (document.title !== title) document.title = title;
    if (pendingFocus === undefined) return;
    const mode = pendingFocus;
    if (found === null) {
      deadline ??= setTimeout(() => {
        deadline = undefined;
        if (pendingFocus === undefined) return;
        pendingFocus = undefined;
        main.focus({ preventScroll: mode === 'restore' });
      }, HEADING_WAIT_MS);
      return;
    }
    pendingFocus = undefined;
    clearTimeout(deadline);
    deadline = undefined;
    if (!found.hasAttribute('tabindex')) found.setAttribute('tabindex', '-1');
    found.focus({ preventScroll: mode === 'restore' });
  };
  const observer = new MutationObserver(update);
  observer.observe(main, { childList: true, subtree: true, characterData: true });
  // Routes render synchronously after a navigation; a page with its heading already there
  // produces no mutation of its own when only its key changes, so look once per route change.
  const listener = () => queueMicrotask(update);
  listeners.add(listener);
  update();
  return () => {
    observer.disconnect();
    listeners.delete(listener);
    clearTimeout(deadline);
  };
}

/** Paths of the app's pages. */
export const paths = {
  home: '/',
  post: (id: string) => `/post/${id}`,
  block: (id: string | number) => `/block/${id}`,
  author: (pubkey: string) => `/author/${pubkey}`,
  name: (author: string) => `/name/${encodeURIComponent(author)}`,
  search: (q?: string) => (q ? `/search?q=${encodeURIComponent(q)}` : '/search'),
  explorer: '/explorer',
  pending: '/pending',
  identity: '/identity',
  settings: '/settings',
  notifications: '/notifications',
  saved: '/saved',
};
