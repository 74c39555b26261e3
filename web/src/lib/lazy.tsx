/**
 * A component whose code is a chunk of its own (dynamic import()), fetched the first time it
 * renders: the pages and dialogs the first page does not show stay off its JavaScript budget.
 * Until the chunk is there it renders `fallback`; a chunk that fails (offline before the service
 * worker cached it) says so and is fetched again on the next render.
 */
import type { ComponentChildren, ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazy<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: ComponentChildren = null,
): (props: P) => JSX.Element | null {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const fetchOnce = () => {
    loading ??= load().then(
      (component) => (loaded = component),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  return function Lazy(props: P) {
    const [, setLoaded] = useState(loaded !== undefined);
    const [failed, setFailed] = useState<string | undefined>();
    useEffect(() => {
      if (loaded !== undefined) return;
      let live = true;
      fetchOnce().then(
        () => live && setLoaded(true),
        (error: unknown) => live && setFailed(error instanceof Error ? error.message : String(error)),
      );
      return () => {
        live = false;
      };
    }, []);
    const Component = loaded;
    if (Component !== undefined) return <Component {...props} />;
    if (failed !== undefined) {
      return (
        <p class="error" role="alert">
          This part of the app could not be loaded ({failed}). Reload when the node is reachable.
        </p>
      );
    }
    return fallback === null ? null : <>{fallback}</>;
  };
}
