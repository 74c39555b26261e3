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

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const listener of listeners) listener();
  if (!replace) window.scrollTo(0, 0);
}

addEventListener('popstate', () => {
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
    navigate(url.pathname + url.search);
  });
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
};
