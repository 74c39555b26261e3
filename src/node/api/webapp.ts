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

/** Files of web/dist's root (from web/public) served as they are. */
const ROOT_FILES = ['favicon.svg'] as const;

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
 * /post/<id> works), hashed bundles under /assets/ (cached for a year), /config.json. Any other
 * path falls through to the server's own 404 handler, so API 404s stay JSON errors. Without a
 * build, `/` keeps the placeholder page that says how to build.
 */
export async function registerWebApp(app: FastifyInstance, options: WebAppOptions = {}): Promise<void> {
  const distDir = options.distDir ?? WEB_DIST;
  if (existsSync(`${distDir}/index.html`)) appDirs.set(app, distDir);
  const config = { node: options.node ?? null };
  const hide = { schema: { hide: true } };
  app.get('/config.json', hide, async (_request, reply) => {
    securityHeaders(reply).header('cache-control', 'no-cache');
    return config;
  });

  if (!existsSync(`${distDir}/index.html`)) {
    app.get('/', hide, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(PLACEHOLDER_PAGE),
    );
    return;
  }

  await app.register(fastifyStatic, {
    root: `${distDir}/assets`,
    prefix: '/assets/',
    index: false,
    list: false,
    dotfiles: 'ignore',
    schemaHide: true,
    // File names carry a content hash: cache for a year.
    maxAge: 365 * 24 * 3600 * 1000,
    immutable: true,
    setHeaders: (res) => {
      res.setHeader('content-security-policy', APP_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });

  const sendIndex = async (_request: unknown, reply: FastifyReply) =>
    securityHeaders(reply).header('cache-control', 'no-cache').sendFile('index.html', distDir, {
      cacheControl: false,
    });
  for (const route of APP_ROUTES) app.get(route, hide, sendIndex);
  for (const file of ROOT_FILES) {
    app.get(`/${file}`, hide, async (_request, reply) =>
      securityHeaders(reply).sendFile(file, distDir, { maxAge: 86_400_000 }),
    );
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
