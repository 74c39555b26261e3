// The YourNet app's service worker (hand-written, registered by web/src/main.tsx):
// - the app shell (index.html, every hashed bundle of the build, the lazily loaded pages and the
//   key code included, icons, manifest) is cached at install, so the app opens, and every page
//   works, without a network; navigations are network-first with the cached shell behind;
// - the first page of the feed (GET /api/v1/posts without a cursor or filter) is network-first
//   with the last answer kept, so the last feed stays readable offline;
// - a post the node cannot be reached for (POST /api/v1/posts failing at the network level) goes
//   to an IndexedDB outbox, answered 202 {status: "queued"}; the outbox is sent when the node
//   answers again (a status poll gets through, the page says it is online, or the worker starts).
//   The body is kept byte for byte, so a signed post keeps its signature; an entry leaves the
//   outbox once the node answered it, and a repeat is harmless (the post id makes it idempotent).
// Nothing else is touched: the event stream, admin actions and other pages go to the network.

// Both written by the build (web/vite.config.ts, swAssets): the build's id and its /assets/ files.
// A new build is a new worker with a new shell cache; the old one is dropped once it activates.
const VERSION = 'dev';
const BUILD_ASSETS = [];
const SHELL = `yournet-shell-${VERSION}`;
// The last feed and stamp policy outlive builds.
const DATA = 'yournet-data-v1';
const ROOT_FILES = ['/manifest.webmanifest', '/favicon.svg', '/icon.svg', '/icon-192.png', '/icon-512.png'];
const OUTBOX_DB = 'yournet-outbox';
const OUTBOX = 'posts';

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL, DATA]);
      for (const name of await caches.keys()) if (!keep.has(name)) await caches.delete(name);
      await self.clients.claim();
      await flushOutbox();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'flush') event.waitUntil(flushOutbox());
});

self.addEventListener('sync', (event) => {
  if (event.tag === 'outbox') event.waitUntil(flushOutbox());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  const sameOrigin = url.origin === self.location.origin;
  if (request.method === 'POST' && url.pathname === '/api/v1/posts') {
    event.respondWith(postOrQueue(request));
  } else if (request.method !== 'GET') {
    return;
  } else if (request.mode === 'navigate' && sameOrigin) {
    event.respondWith(navigation(request));
  } else if (sameOrigin && url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (sameOrigin && (ROOT_FILES.includes(url.pathname) || url.pathname === '/config.json')) {
    event.respondWith(networkFirst(request, SHELL));
  } else if (isFeedPage(url)) {
    event.respondWith(networkFirst(request, DATA));
  } else if (url.pathname === '/api/v1/policy') {
    event.respondWith(policy(request, url));
  } else if (url.pathname === '/api/v1/status') {
    // The node answers again: whatever waited in the outbox can go now.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok) event.waitUntil(flushOutbox());
        return response;
      }),
    );
  }
});

/** index.html, everything it links from /assets/ and the build's other chunks, the root files. */
async function cacheShell() {
  const cache = await caches.open(SHELL);
  const index = await fetch('/', { cache: 'reload' });
  if (!index.ok) throw new Error(`index.html: ${index.status}`);
  const assets = [...new Set([...assetPaths(await index.clone().text()), ...BUILD_ASSETS])];
  await cache.put('/', index);
  await Promise.all([...assets, ...ROOT_FILES].map((path) => cache.add(path).catch(() => undefined)));
}

async function navigation(request) {
  try {
    const response = await fetch(request);
    if (response.ok) refreshShell(response.clone()).catch(() => undefined);
    return response;
  } catch (error) {
    // Every app route is the same index.html (history routing).
    const cached = await caches.match('/', { cacheName: SHELL });
    if (cached) return cached;
    throw error;
  }
}

const assetPaths = (html) => new Set(html.match(/\/assets\/[\w.-]+/g) ?? []);

/**
 * Keeps the latest index.html; when it names other bundles (a new build), the old build's
 * files leave the cache (the new ones are cached as they are fetched).
 */
async function refreshShell(response) {
  const cache = await caches.open(SHELL);
  const html = await response.clone().text();
  const previous = await cache.match('/');
  await cache.put('/', response);
  if (previous === undefined) return;
  const before = assetPaths(await previous.text());
  const now = assetPaths(html);
  if ([...now].every((path) => before.has(path))) return;
  for (const key of await cache.keys()) {
    const path = new URL(key.url).pathname;
    if (path.startsWith('/assets/') && !now.has(path)) await cache.delete(key);
  }
}

// The node answers assets with `Vary: Origin, Accept-Encoding`: a module loaded by import()
// carries an Origin header that the install's cache.add() request did not, so a match that
// honours Vary misses and a lazily loaded page fails offline. The body is the same either way.
const ANY_VARY = { ignoreVary: true };

/** Hashed file names never change content: the cache is always right. */
async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: SHELL, ...ANY_VARY });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(SHELL).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function networkFirst(request, cacheName) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone();
      await (await caches.open(cacheName)).put(request, copy);
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { cacheName, ...ANY_VARY });
    if (cached) return cached;
    throw error;
  }
}

/** The feed's first pages (any node the app talks to): no cursor, no filter, no search. */
function isFeedPage(url) {
  if (url.pathname !== '/api/v1/posts') return false;
  for (const key of url.searchParams.keys()) if (key !== 'limit') return false;
  return true;
}

/**
 * The stamp policy, network-first; offline, the last answer scaled to this post's size (work
 * grows with bytes), so a post written offline is stamped as the node last asked. If the node
 * asks more when the post arrives, it refuses it and the outbox drops it.
 */
async function policy(request, url) {
  const key = new Request(new URL('/api/v1/policy', url).href);
  try {
    const response = await fetch(request);
    if (response.ok) await (await caches.open(DATA)).put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(key, { cacheName: DATA });
    if (!cached) throw error;
    const last = await cached.json();
    const bytes = Number(url.searchParams.get('bytes'));
    const scale = Number.isFinite(bytes) && bytes > 0 && last.bytes > 0 ? bytes / last.bytes : 1;
    const scaled = {
      ...last,
      bytes: bytes > 0 ? bytes : last.bytes,
      required_work: Math.ceil(last.required_work * Math.max(1, scale)),
      next_block_work: Math.ceil(last.next_block_work * Math.max(1, scale)),
    };
    return json(200, scaled);
  }
}

async function postOrQueue(request) {
  const body = await request.clone().text();
  try {
    return await fetch(request);
  } catch {
    await outbox('readwrite', (store) => store.put({ body, url: request.url, at: Date.now() }));
    if (self.registration.sync) self.registration.sync.register('outbox').catch(() => undefined);
    return json(202, { status: 'queued', message: 'the node cannot be reached: the post is sent when it answers' });
  }
}

let flushing;
/** Sends the outbox in order; one run at a time, so no entry is sent twice by this worker. */
function flushOutbox() {
  flushing ??= sendOutbox().finally(() => {
    flushing = undefined;
  });
  return flushing;
}

async function sendOutbox() {
  const entries = await outbox('readonly', (store) => store.getAll());
  // In the order written (a reply written offline after its parent goes after it).
  entries.sort((a, b) => a.at - b.at);
  let sent = 0;
  for (const entry of entries) {
    let response;
    try {
      response = await fetch(entry.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: entry.body,
      });
    } catch {
      break; // still unreachable: keep the rest for the next time
    }
    // Busy or failing: try again later. Any other answer (accepted, already known, refused) is final.
    if (response.status === 429 || response.status >= 500) break;
    await outbox('readwrite', (store) => store.delete(entry.body));
    if (response.ok) sent++;
  }
  if (sent > 0) {
    for (const client of await self.clients.matchAll()) client.postMessage({ type: 'outbox-sent', sent });
  }
}

/** One IndexedDB transaction on the outbox (keyed by the post's exact body: queued once). */
function outbox(mode, operate) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(OUTBOX_DB, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(OUTBOX, { keyPath: 'body' });
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const transaction = db.transaction(OUTBOX, mode);
      const request = operate(transaction.objectStore(OUTBOX));
      transaction.oncomplete = () => {
        resolve(request.result);
        db.close();
      };
      transaction.onerror = () => {
        reject(transaction.error);
        db.close();
      };
    };
  });
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
