import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { paths, useRoute, watchPageChanges } from '../router.ts';
import { store, useStore } from '../store.ts';
import { NotificationsLink } from './NotificationsLink.tsx';

const NAV = [
  { href: paths.home, label: 'Feed' },
  { href: paths.search(), label: 'Search' },
  { href: paths.explorer, label: 'Explorer' },
  { href: paths.identity, label: 'Your key' },
  { href: paths.settings, label: 'Node' },
] as const;

function isCurrent(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path.startsWith(href);
}

export function Header() {
  const { path } = useRoute();
  const app = useStore();
  const status = app.status;
  const nodeLabel = app.nodeUrl === '' ? 'this node' : app.nodeUrl.replace(/^https?:\/\//, '');
  return (
    <header class="site-header">
      <div class="site-header-inner">
        <div class="header-top">
          <a class="brand" href="/">
            <span class="brand-mark" aria-hidden="true">
              Y
            </span>
            <h1 class="brand-title">
              YourNet<span class="brand-sub">: Decentralized content sharing</span>
            </h1>
          </a>
          <div
            class="node-pill"
            data-connection={app.connection}
            title={`Node: ${app.nodeUrl || location.origin}`}
          >
            <span class="dot" aria-hidden="true" />
            <span class="node-pill-text">
              {app.connection === 'online' && status
                ? `${status.network} · block #${status.height} · ${status.pending.count} pending`
                : app.connection === 'connecting'
                  ? `Connecting to ${nodeLabel}…`
                  : 'Node unreachable'}
            </span>
          </div>
        </div>
        <div class="header-row">
          <nav aria-label="Main">
            <ul>
              {NAV.map((item) => (
                <li key={item.href}>
                  <a href={item.href} aria-current={isCurrent(path, item.href) ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
              <li>
                <NotificationsLink current={isCurrent(path, paths.notifications)} />
              </li>
            </ul>
          </nav>
          <ThemeToggle />
        </div>
      </div>
    </header>
  );
}

function ThemeToggle() {
  const { theme } = useStore();
  const next = theme === 'system' ? 'dark' : theme === 'dark' ? 'light' : 'system';
  useEffect(() => {
    if (theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', theme);
  }, [theme]);
  const label = theme === 'system' ? 'Theme: system' : theme === 'dark' ? 'Theme: dark' : 'Theme: light';
  return (
    <button
      type="button"
      class="theme-toggle secondary"
      onClick={() => store.setTheme(next)}
      title={`Switch to ${next}`}
    >
      <span class="theme-icon" aria-hidden="true">
        {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
      </span>
      <span class="theme-label">{label}</span>
    </button>
  );
}

/** The banner shown while the node cannot be reached; the rest of the page keeps what it has. */
export function OfflineBanner() {
  const app = useStore();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (app.connection !== 'offline') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [app.connection]);
  if (app.connection !== 'offline') return null;
  const seconds = app.retryAt ? Math.max(0, Math.ceil((app.retryAt - now) / 1000)) : 0;
  return (
    <section class="banner banner-offline" aria-label="Connection" data-testid="offline-banner">
      <div>
        {/* Announced once when the banner appears; the countdown below is read on demand only. */}
        <p class="banner-title" role="alert">
          <strong>Cannot reach the node {app.nodeUrl || location.origin}.</strong> Showing what was loaded
          before.
        </p>{' '}
        <span data-testid="retry-countdown">{seconds > 0 ? `Retrying in ${seconds} s.` : 'Retrying…'}</span>
        {app.connectionError ? <span class="banner-detail"> ({app.connectionError})</span> : null}
      </div>
      <div class="banner-actions">
        <button type="button" class="primary" onClick={() => store.retryNow()}>
          Retry now
        </button>
        <a href={paths.settings}>Change node</a>
      </div>
    </section>
  );
}

/** The page's main landmark: the skip link's target; it moves focus and sets the title on page changes. */
export function Main({ children }: { children: ComponentChildren }) {
  const main = useRef<HTMLElement>(null);
  useEffect(() => (main.current ? watchPageChanges(main.current) : undefined), []);
  return (
    <main id="main" tabIndex={-1} ref={main}>
      {children}
    </main>
  );
}

/** Any path the app has no page for (the node serves it with status 404 to browsers). */
export function NotFound({ path }: { path: string }) {
  return (
    <section class="card">
      <h2 class="page-title">Page not found</h2>
      <p>
        There is no page at <bdi class="mono">{path}</bdi>.
      </p>
      <p>
        <a href={paths.home}>Back to the feed</a> · <a href={paths.explorer}>Explorer</a> ·{' '}
        <a href={paths.search()}>Search</a>
      </p>
    </section>
  );
}
