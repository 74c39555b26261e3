import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Component } from 'preact';
import { memo } from '../../web/src/lib/memo.ts';

type Props = { a: number; b?: string };

/** The memoized component as an instance, with its current props. */
function instance(props: Props): Component<Props> {
  const Memo = memo<Props>(() => null) as unknown as new () => Component<Props>;
  const component = new Memo();
  component.props = props;
  return component;
}

describe('web: memo without preact/compat (lib/memo.ts)', () => {
  it('skips the render when every prop is the same value', () => {
    const same = { a: 1, b: 'x' };
    assert.equal(instance(same).shouldComponentUpdate?.({ a: 1, b: 'x' }, {}, {}), false);
  });

  it('renders when a prop changed, was added or was removed', () => {
    assert.equal(instance({ a: 1 }).shouldComponentUpdate?.({ a: 2 }, {}, {}), true);
    assert.equal(instance({ a: 1 }).shouldComponentUpdate?.({ a: 1, b: 'x' }, {}, {}), true);
    assert.equal(instance({ a: 1, b: 'x' }).shouldComponentUpdate?.({ a: 1 }, {}, {}), true);
  });

  it('renders the wrapped component with the props', () => {
    const render = (props: Props) => `${props.a}`;
    const Memo = memo<Props>(render as never) as unknown as new () => Component<Props>;
    const vnode = new Memo().render({ a: 3 }, {}, {}) as { type: unknown; props: Props };
    assert.equal(vnode.type, render);
    assert.deepEqual(vnode.props, { a: 3 });
  });
});
