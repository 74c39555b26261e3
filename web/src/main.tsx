import { render } from 'preact';
import { App } from './app.tsx';
import { interceptLinks } from './router.ts';
import { readBootstrap } from './state/bootstrap.ts';
import { preloadPostCode } from './state/load-post-code.ts';
import { store } from './store.ts';
import './styles.css';

const root = document.getElementById('app')!;
interceptLinks(document.body);
// The data the node put into the page (its config; its status and first feed page on `/`) is
// in the first render. Without it the first request (/config.json) goes out before the first
// render, not after it: on a slow phone the render's time then overlaps the round trip.
void store.start(readBootstrap(document));
render(<App />, root);
// Signing, stamping and live posts' parsing are not on the first page's path: fetched once the
// page has loaded and is idle (never competing with the page's own files), so the Composer
// rarely waits for them (it awaits the load if it must).
addEventListener('load', () => preloadPostCode(), { once: true });

// The service worker (web/public/sw.js): the shell and the last feed offline, posts written
// offline sent when the node answers again. Built app only: the dev server reloads by itself.
const built = (import.meta as { env?: { PROD?: boolean } }).env?.PROD === true;
if (built && 'serviceWorker' in navigator) {
  // Its install fetches every chunk of the build: only once the page has loaded and the feed's
  // first page is in (or has failed, or 5 s passed), so on a slow link it never competes with
  // the first post on screen.
  const register = () => void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  addEventListener('load', () => {
    const feedIn = () => store.state.feed.loaded || store.state.feed.error !== undefined;
    if (feedIn()) return register();
    let unsubscribe = (): void => undefined;
    const once = () => {
      clearTimeout(timer);
      unsubscribe();
      register();
    };
    const timer = setTimeout(once, 5_000);
    unsubscribe = store.subscribe(() => {
      if (feedIn()) once();
    });
  });
  addEventListener('online', () => navigator.serviceWorker.controller?.postMessage({ type: 'flush' }));
}
