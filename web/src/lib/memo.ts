/**
 * `memo` without preact/compat: compat's module also hooks every vnode and render (React
 * compatibility the app does not use), which costs the first page bytes and render time.
 * A class component that skips the render when the props are shallowly equal.
 */
import { Component, type ComponentChild, createElement, type FunctionComponent } from 'preact';

function shallowEqual(a: object, b: object): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key in left) if (!(key in right)) return false;
  for (const key in right) if (left[key] !== right[key]) return false;
  return true;
}

/** The component, re-rendered only when a prop changes (its own state still re-renders it). */
export function memo<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return !shallowEqual(this.props, next);
    }
    override render(props: P): ComponentChild {
      return createElement(render, props);
    }
  }
  return Memo as unknown as FunctionComponent<P>;
}
