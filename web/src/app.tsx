import { Header, Main, NotFound, OfflineBanner } from './components/Layout.tsx';
import { lazyComponent } from './lib/lazy.tsx';
import { BlockPage, Explorer, PendingPage } from './pages/Explorer.tsx';
import { Home } from './pages/Home.tsx';
import { NamePage, SearchPage } from './pages/People.tsx';
import { PostPage } from './pages/PostPage.tsx';
import { IdentityPage, SettingsPage } from './pages/Settings.tsx';
import { paths, type Route, useRoute } from './router.ts';

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

// The social pages load with their own chunks (the first page stays small).
const loading = <p class="muted">Loading…</p>;
const PersonPage = lazyComponent(() => import('./pages/Person.tsx'), loading);
const NotificationsPage = lazyComponent(() => import('./pages/Notifications.tsx'), loading);
const SavedPage = lazyComponent(() => import('./pages/Saved.tsx'), loading);

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
