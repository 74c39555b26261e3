/**
 * A component loaded with its own chunk on first render (preact/compat's lazy and Suspense
 * cost more bytes in the first page than this). Shows `fallback` until the chunk arrives.
 */
import type { ComponentChildren, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyComponent<P extends object>(
  load: () => Promise<{ default: FunctionComponent<P> }>,
  fallback: ComponentChildren = null,
): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | undefined;
  let pending: Promise<unknown> | undefined;
  return function Lazy(props: P) {
    const [, setReady] = useState(loaded !== undefined);
    useEffect(() => {
      if (loaded !== undefined) return;
      let live = true;
      pending ??= load().then((module) => {
        loaded = module.default;
      });
      pending.then(
        () => live && setReady(true),
        () => undefined,
      );
      return () => {
        live = false;
      };
    }, []);
    const Component = loaded;
    return Component === undefined ? <>{fallback}</> : <Component {...props} />;
  };
}
