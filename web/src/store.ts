/**
 * The app's state, as components use it: `store` for the actions, `useStore()` to read and
 * re-render. The state is split by job under state/ (connection, feed, threads, mining,
 * identity, theme), each key with one owner; state/app-state.ts wires them.
 */
import { useEffect, useState } from 'preact/hooks';
import { AppStore } from './state/app-state.ts';
import type { AppState } from './state/types.ts';

export type { PublishOptions, PublishResult, StampPlan } from './state/app-state.ts';
export type { AppState, Connection, MiningState, PostList, Theme } from './state/types.ts';

export const store = new AppStore();

/** The current state; re-renders the component when it changes. */
export function useStore(): AppState {
  const rendered = store.state;
  const [, setTick] = useState(0);
  useEffect(() => {
    const unsubscribe = store.subscribe(() => setTick((tick) => tick + 1));
    // Effects run after the first paint: an update that landed between this render and the
    // subscription (a thread's replies arriving, say) would otherwise wait for the next one.
    if (store.state !== rendered) setTick((tick) => tick + 1);
    return unsubscribe;
  }, []);
  return rendered;
}
