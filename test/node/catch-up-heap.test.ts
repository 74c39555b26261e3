import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATCH_UP_HEAP_GROWING_PERCENT, CatchUpHeap } from '#node/catch-up-heap.ts';

describe('CatchUpHeap', () => {
  it('bounds V8 heap growth while catching up and hands it back after, once per change', () => {
    const set: string[] = [];
    const heap = new CatchUpHeap((flags) => set.push(flags));
    assert.equal(heap.follow(false), false);
    assert.deepEqual(set, [], 'nothing to change while not catching up');
    assert.equal(heap.follow(true), true);
    assert.equal(heap.follow(true), true);
    assert.deepEqual(set, [`--heap-growing-percent=${CATCH_UP_HEAP_GROWING_PERCENT}`]);
    assert.equal(heap.follow(false), false);
    assert.equal(heap.follow(false), false);
    assert.deepEqual(set.at(-1), '--heap-growing-percent=0', "back to V8's own choice");
    assert.equal(set.length, 2);
  });

  it('sets a flag V8 accepts while running', () => {
    const heap = new CatchUpHeap();
    heap.follow(true);
    heap.follow(false);
  });
});
