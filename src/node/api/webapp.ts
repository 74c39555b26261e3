import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PLACEHOLDER_PAGE } from '../placeholder-page.ts';

/**
 * The built web app (`vite build` → web/dist). src/node/api/ and dist/node/api/ are at the same
 * depth, so the path is the same from the sources (tsx) and from the compiled CLI.
 */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * The app's Content-Security-Policy: scripts and styles only from the app's own files (no
 * inline script, no eval); the app may talk to any node the person chooses (connect-src), and
 * nothing may frame it. Post content is rendered as text, so this is a second line of defence.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' http: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The app's client-side routes: each serves index.html (history routing). */
export const APP_ROUTES = [
  '/',
  '/search',
  '/explorer',
  '/pending',
  '/settings',
  '/identity',
  '/author/:key',
  '/name/:name',
  '/post/:id',
  '/block/:id',
] as const;

const DAY_MS = 86_400_000;
/** The app's routes stay out of the OpenAPI document. */
const HIDE = { schema: { hide: true } } as const;

/**
 * Files of web/dist's root (from web/public) served as they are, with how long a browser may
 * keep them: the service worker and the manifest are checked on every load (a new build must
 * reach the app), the icons for a day.
 */
const ROOT_FILES: readonly { readonly file: string; readonly maxAge: number }[] = [
  { file: 'favicon.svg', maxAge: DAY_MS },
  { file: 'icon.svg', maxAge: DAY_MS },
  { file: 'icon-192.png', maxAge: DAY_MS },
  { file: 'icon-512.png', maxAge: DAY_MS },
  { file: 'manifest.webmanifest', maxAge: 0 },
  { file: 'sw.js', maxAge: 0 },
];

export interface WebAppOptions {
  /** Where the built app is; default {@link WEB_DIST}. */
  readonly distDir?: string;
  /**
   * The node the app talks to by default, served as /config.json; null (the default) means the
   * server that serves the app (a node serving its own app).
   */
  readonly node?: string | null;
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', APP_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

/**
 * Serves the web app: index.html at `/` and at every client-side route (so reloading
 * /post/<id> works), hashed bundles under /assets/ (cached for a year, sent brotli or gzip from
 * the build's precompressed siblings when the browser accepts them), the manifest, icons and
 * service worker, /config.json. Any other path falls through to the server's own 404 handler, so API 404s stay JSON errors. Without a
 * build, `/` keeps the placeholder page that says how to build.
 */
export async function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): Promise<void> {
  const distDir = options.distDir ?? WEB_DIST;
  if (existsSync(`${distDir}/index.html`)) appDirs.set(app, distDir);
  const config = { node: options.node ?? null };
  app.get('/config.json', HIDE, async (_request, reply) => {
    securityHeaders(reply).header('cache-control', 'no-cache');
    return config;
  });

  if (!existsSync(`${distDir}/index.html`)) {
    app.get('/', HIDE, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(PLACEHOLDER_PAGE),
    );
    return;
  }

  // One scope for the app's files, so the Vary hook touches no API route.
  await app.register(async (scope) => serveFiles(scope, distDir, config.node === null));
}

/** The feed page the app asks first (web/src/state/feed.ts FEED_PAGE): preloaded with the page. */
export const FIRST_FEED_PATH = '/api/v1/posts?limit=50';

/**
 * What the app fetches before it can show a post, preloaded while its bundle downloads (a
 * `Link` header, as index.html can carry no inline script): /config.json always, and when this
 * server is the app's node, its status and (on the feed page) the first feed page. On a slow
 * phone network this takes two round trips off the first post on screen.
 */
export function preloadLinks(route: string, sameNode: boolean): string {
  const paths = ['/config.json'];
  if (sameNode) paths.push('/api/v1/status');
  if (sameNode && route === '/') paths.push(FIRST_FEED_PATH);
  return paths.map((path) => `<${path}>; rel=preload; as=fetch; crossorigin=anonymous`).join(', ');
}

/** The same URL answers brotli, gzip or identity by Accept-Encoding: caches must key on it. */
function varyOnEncoding(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  const list = Array.isArray(vary) ? vary.join(', ') : vary === undefined ? '' : String(vary);
  if (/(^|,)\s*accept-encoding\s*(,|$)/i.test(list)) return;
  reply.header('vary', list === '' ? 'Accept-Encoding' : `${list}, Accept-Encoding`);
}

async function serveFiles(app: FastifyInstance, distDir: string, sameNode: boolean): Promise<void> {
  app.addHook('onSend', async (_request, reply, payload) => {
    varyOnEncoding(reply);
    return payload;
  });
  await app.register(fastifyStatic, {
    root: `${distDir}/assets`,
    prefix: '/assets/',
    index: false,
    list: false,
    dotfiles: 'ignore',
    schemaHide: true,
    // File names carry a content hash: cache for a year.
    maxAge: 365 * DAY_MS,
    immutable: true,
    // scripts/compress-web.mjs wrote name.br and name.gz next to each text asset at build time.
    preCompressed: true,
    setHeaders: (res) => {
      res.setHeader('content-security-policy', APP_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });

  for (const route of APP_ROUTES) {
    const link = preloadLinks(route, sameNode);
    app.get(route, HIDE, async (_request, reply) =>
      securityHeaders(reply)
        .header('cache-control', 'no-cache')
        .header('link', link)
        .sendFile('index.html', distDir, { cacheControl: false }),
    );
  }
  for (const { file, maxAge } of ROOT_FILES) {
    if (!existsSync(`${distDir}/${file}`)) continue;
    app.get(`/${file}`, HIDE, async (_request, reply) => {
      securityHeaders(reply);
      if (file.endsWith('.webmanifest')) reply.type('application/manifest+json');
      if (maxAge === 0)
        return reply.header('cache-control', 'no-cache').sendFile(file, distDir, { cacheControl: false });
      return reply.sendFile(file, distDir, { maxAge });
    });
  }
}

/** The servers that serve the built app, and where its index.html is. */
const appDirs = new WeakMap<FastifyInstance, string>();

/**
 * A person's browser asking for a page that does not exist (GET, Accept: text/html) gets the
 * app with status 404, and the app shows its "page not found"; API clients keep the JSON error.
 * Resolves false when the server serves no app or the request is not a browser's page load.
 * Reads index.html itself: @fastify/static may be registered in a scope the 404 handler is not in.
 */
export async function sendAppNotFound(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  const distDir = appDirs.get(app);
  if (distDir === undefined || request.method !== 'GET') return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  let html: Buffer;
  try {
    html = await readFile(`${distDir}/index.html`);
  } catch {
    return false;
  }
  securityHeaders(reply)
    .code(404)
    .header('cache-control', 'no-cache')
    .type('text/html; charset=utf-8')
    .send(html);
  return true;
}
