import { useEffect, useState } from 'preact/hooks';
import { paths, useRoute } from '../router.ts';
import { store, useStore } from '../store.ts';

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
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true">
            Y
          </span>
          <h1 class="brand-title">YourNet: Decentralized content sharing</h1>
        </a>
        <div
          class="node-pill"
          data-connection={app.connection}
          title={`Node: ${app.nodeUrl || location.origin}`}
        >
          <span class="dot" aria-hidden="true" />
          <span>
            {app.connection === 'online' && status
              ? `${status.network} · block #${status.height} · ${status.pending.count} pending`
              : app.connection === 'connecting'
                ? `Connecting to ${nodeLabel}…`
                : 'Node unreachable'}
          </span>
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
      {label}
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
    <div class="banner banner-offline" role="alert" data-testid="offline-banner">
      <div>
        <strong>Cannot reach the node {app.nodeUrl || location.origin}.</strong>{' '}
        <span>Showing what was loaded before. {seconds > 0 ? `Retrying in ${seconds} s.` : 'Retrying…'}</span>
        {app.connectionError ? <span class="banner-detail"> ({app.connectionError})</span> : null}
      </div>
      <div class="banner-actions">
        <button type="button" class="primary" onClick={() => store.retryNow()}>
          Retry now
        </button>
        <a href={paths.settings}>Change node</a>
      </div>
    </div>
  );
}
