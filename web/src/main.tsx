import { render } from 'preact';
import { App } from './app.tsx';
import { interceptLinks } from './router.ts';
import { store } from './store.ts';
import './styles.css';

const root = document.getElementById('app')!;
interceptLinks(document.body);
// The first request (/config.json) goes out before the first render, not after it: on a slow
// phone the render's time then overlaps the round trip instead of adding to it.
void store.start();
render(<App />, root);

// The service worker (web/public/sw.js): the shell and the last feed offline, posts written
// offline sent when the node answers again. Built app only: the dev server reloads by itself.
const built = (import.meta as { env?: { PROD?: boolean } }).env?.PROD === true;
if (built && 'serviceWorker' in navigator) {
  // After the first paint's work, so it never competes with the first post on screen.
  addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch(() => undefined);
  });
  addEventListener('online', () => navigator.serviceWorker.controller?.postMessage({ type: 'flush' }));
}
