import { Header, Main, NotFound, OfflineBanner } from './components/Layout.tsx';
import { lazy } from './lib/lazy.tsx';
import { Home } from './pages/Home.tsx';
import { paths, type Route, useRoute } from './router.ts';

// Home is the first page; every other page is a chunk of its own, fetched when first shown (and
// cached by the service worker at install, so they open offline too).
const loading = <p class="muted">Loading…</p>;
const PostPage = lazy(() => import('./pages/PostPage.tsx').then((m) => m.PostPage), loading);
const BlockPage = lazy(() => import('./pages/Explorer.tsx').then((m) => m.BlockPage), loading);
const Explorer = lazy(() => import('./pages/Explorer.tsx').then((m) => m.Explorer), loading);
const PendingPage = lazy(() => import('./pages/Explorer.tsx').then((m) => m.PendingPage), loading);
const NamePage = lazy(() => import('./pages/People.tsx').then((m) => m.NamePage), loading);
const SearchPage = lazy(() => import('./pages/People.tsx').then((m) => m.SearchPage), loading);
const IdentityPage = lazy(() => import('./pages/Settings.tsx').then((m) => m.IdentityPage), loading);
const SettingsPage = lazy(() => import('./pages/Settings.tsx').then((m) => m.SettingsPage), loading);

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

// The social pages (issue 11): the person page replaces the author page.
const PersonPage = lazy(() => import('./pages/Person.tsx').then((m) => m.default), loading);
const NotificationsPage = lazy(() => import('./pages/Notifications.tsx').then((m) => m.default), loading);
const SavedPage = lazy(() => import('./pages/Saved.tsx').then((m) => m.default), loading);

function page(route: Route) {
  const [, first = '', second = ''] = route.path.split('/');
  switch (first) {
    case '':
      return <Home />;
    case 'post':
      return <PostPage key={second} id={decode(second)} />;
    case 'block':
      return <BlockPage key={second} id={decode(second)} />;
    case 'author':
      return <PersonPage key={second} id={decode(second)} />;
    case 'notifications':
      return <NotificationsPage />;
    case 'saved':
      return <SavedPage />;
    case 'name':
      return <NamePage key={second} name={decode(second)} />;
    case 'search':
      return <SearchPage key={route.query.get('q') ?? ''} q={route.query.get('q') ?? ''} />;
    case 'explorer':
      return <Explorer />;
    case 'pending':
      return <PendingPage />;
    case 'identity':
      return <IdentityPage />;
    case 'settings':
      return <SettingsPage />;
    default:
      return <NotFound path={route.path} />;
  }
}

export function App() {
  const route = useRoute();
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <OfflineBanner />
      <Main>{page(route)}</Main>
      <footer class="site-footer">
        <p>YourNet — posts are kept by every node; keys stay in your browser.</p>
        <p>
          <a href={paths.saved}>Saved in this browser: bookmarks and mutes</a>
        </p>
      </footer>
    </>
  );
}
