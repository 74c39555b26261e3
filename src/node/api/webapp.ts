import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PLACEHOLDER_PAGE } from '../placeholder-page.ts';
import { type AppBootstrap, withBootstrap } from './app-bootstrap.ts';
import type { ApiContext } from './context.ts';
import { type BuiltPage, PageBody, PageCache } from './page-cache.ts';

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
  /**
   * What `/` of the app's own node shows besides the time (see {@link nodePageKey}): its page is
   * built again when this changes. Without it, that page is built for every request.
   */
  readonly pageKey?: () => string;
  /** The clock of the page cache, in milliseconds (tests); default Date.now. */
  readonly now?: () => number;
}

/**
 * How long a built page is served again, at most. The key catches every change of the chain and
 * the pool at once; what changes with time alone (the status's uptime, hash rate, peers, the
 * pool's decaying minimum) may be up to this old, and the app asks for a fresh status right after
 * its first render anyway. A rebuilt web/dist is served within this time too.
 */
export const PAGE_MAX_AGE_MS = 1000;

/** What a node's `/` shows: its status and first feed page, current while tip and pool are. */
export function nodePageKey(ctx: Pick<ApiContext, 'chain' | 'mempool'>): () => string {
  return () => `${ctx.chain.tip.hash} ${ctx.mempool.version}`;
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
  const config = { node: options.node ?? null };
  if (existsSync(`${distDir}/index.html`)) appDirs.set(app, { distDir, node: config.node });
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
  const pages = new PageCache(PAGE_MAX_AGE_MS, options.now);
  await app.register(async (scope) => serveFiles(scope, app, distDir, config.node, pages, options.pageKey));
}

/** The feed page the app asks first (web/src/state/feed.ts FEED_PAGE): inlined into the page. */
export const FIRST_FEED_PATH = '/api/v1/posts?limit=50';
const STATUS_PATH = '/api/v1/status';

/**
 * What the app fetches before it can show a page and the served HTML does not carry (see
 * app-bootstrap.ts: the config always; this node's status and first feed page on `/`), preloaded
 * while its bundle downloads (a `Link` header). An app server for another node (`yournet app
 * --node`) preloads nothing: it cannot answer for that node.
 */
export function preloadLinks(route: string, sameNode: boolean, inlined: AppBootstrap | undefined): string {
  const paths: string[] = [];
  if (sameNode && inlined?.status === undefined) paths.push(STATUS_PATH);
  if (sameNode && route === '/' && inlined?.feed === undefined) paths.push(FIRST_FEED_PATH);
  return paths.map((path) => `<${path}>; rel=preload; as=fetch; crossorigin=anonymous`).join(', ');
}

/**
 * One of this server's own GET answers, as the app would get it, or undefined when it fails.
 * Asked as the visitor (its address): it counts against the visitor's read budget, as the
 * browser's own request would, never against another address's. A page served again from the
 * page cache asks nothing.
 */
async function ownAnswer(app: FastifyInstance, request: FastifyRequest, url: string): Promise<unknown> {
  try {
    const response = await app.inject({
      method: 'GET',
      url,
      remoteAddress: request.ip,
      headers: { accept: 'application/json' },
    });
    return response.statusCode === 200 ? response.json() : undefined;
  } catch {
    return undefined;
  }
}

/** The page's data block: the config, and on `/` of the app's own node its status and feed. */
async function bootstrapFor(
  app: FastifyInstance,
  request: FastifyRequest,
  route: string,
  node: string | null,
): Promise<AppBootstrap> {
  if (node !== null || route !== '/') return { config: { node } };
  const [status, feed] = await Promise.all([
    ownAnswer(app, request, STATUS_PATH),
    ownAnswer(app, request, FIRST_FEED_PATH),
  ]);
  return {
    config: { node },
    ...(status !== undefined ? { status } : {}),
    ...(feed !== undefined ? { feed } : {}),
  };
}

/** Whether Accept-Encoding takes `coding` (named with a q above 0). */
export function acceptsEncoding(header: string | undefined, coding: string): boolean {
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (name !== coding) continue;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** Sends a built page, compressed as the browser accepts (brotli, then gzip). */
async function sendPage(request: FastifyRequest, reply: FastifyReply, page: PageBody): Promise<FastifyReply> {
  const accept = request.headers['accept-encoding'];
  reply.type('text/html; charset=utf-8');
  varyOnEncoding(reply);
  if (acceptsEncoding(accept, 'br')) return reply.header('content-encoding', 'br').send(await page.brotli());
  if (acceptsEncoding(accept, 'gzip'))
    return reply.header('content-encoding', 'gzip').send(await page.gzip());
  return reply.send(page.html);
}

/** The same URL answers brotli, gzip or identity by Accept-Encoding: caches must key on it. */
function varyOnEncoding(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  const list = Array.isArray(vary) ? vary.join(', ') : vary === undefined ? '' : String(vary);
  if (/(^|,)\s*accept-encoding\s*(,|$)/i.test(list)) return;
  reply.header('vary', list === '' ? 'Accept-Encoding' : `${list}, Accept-Encoding`);
}

async function serveFiles(
  app: FastifyInstance,
  root: FastifyInstance,
  distDir: string,
  node: string | null,
  pages: PageCache,
  pageKey: (() => string) | undefined,
): Promise<void> {
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

  /** The page of `route`: served again while current (see {@link PageCache}), else built. */
  async function pageFor(route: string, request: FastifyRequest): Promise<BuiltPage> {
    const live = node === null && route === '/';
    // Only `/` of the app's own node carries live data; the other pages carry the config alone.
    const key = live ? pageKey?.() : '';
    const at = pages.now();
    const kept = key === undefined ? undefined : pages.get(route, key, at);
    if (kept !== undefined) return kept;
    const [html, data] = await Promise.all([
      readFile(`${distDir}/index.html`, 'utf8'),
      bootstrapFor(root, request, route, node),
    ]);
    const page = {
      body: new PageBody(withBootstrap(html, data)),
      link: preloadLinks(route, node === null, data),
    };
    // A page without the data it should carry (the status or feed failed, or the visitor's read
    // budget ran out) goes to this visitor only: kept, it would stand for the node's state.
    const complete = !live || (data.status !== undefined && data.feed !== undefined);
    if (key !== undefined && complete) pages.set(route, key, at, page);
    return page;
  }

  // index.html carries live data (the feed): revalidated on every load (no-cache).
  for (const route of APP_ROUTES) {
    app.get(route, HIDE, async (request, reply) => {
      const page = await pageFor(route, request);
      securityHeaders(reply).header('cache-control', 'no-cache');
      if (page.link !== '') reply.header('link', page.link);
      return sendPage(request, reply, page.body);
    });
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

/** The servers that serve the built app: where its index.html is, and the node it talks to. */
const appDirs = new WeakMap<FastifyInstance, { readonly distDir: string; readonly node: string | null }>();

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
  const served = appDirs.get(app);
  if (served === undefined || request.method !== 'GET') return false;
  if (!(request.headers.accept ?? '').includes('text/html')) return false;
  let html: string;
  try {
    html = await readFile(`${served.distDir}/index.html`, 'utf8');
  } catch {
    return false;
  }
  securityHeaders(reply).code(404).header('cache-control', 'no-cache');
  await sendPage(request, reply, new PageBody(withBootstrap(html, { config: { node: served.node } })));
  return true;
}
