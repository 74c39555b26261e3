import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATCH_UP_COLLECT_INTERVAL_MS,
  CATCH_UP_HEAP_GROWING_PERCENT,
  CatchUpHeap,
  exposedCollector,
} from '#node/catch-up-heap.ts';

describe('CatchUpHeap', () => {
  it('bounds V8 heap growth while catching up and hands it back after, once per change', () => {
    const set: string[] = [];
    const heap = new CatchUpHeap(
      (flags) => set.push(flags),
      () => undefined,
    );
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

  it('collects at most once per interval while catching up, and never otherwise', () => {
    let made = 0;
    let collections = 0;
    const heap = new CatchUpHeap(
      () => undefined,
      () => {
        made++;
        return () => collections++;
      },
    );
    const step = CATCH_UP_COLLECT_INTERVAL_MS;
    heap.follow(false, 0);
    heap.follow(false, 10 * step);
    assert.equal(collections, 0, 'not catching up: no collection');
    heap.follow(true, 10 * step);
    heap.follow(true, 10 * step + step / 2);
    assert.equal(collections, 0, 'none within the first interval');
    heap.follow(true, 11 * step);
    heap.follow(true, 11 * step + 1);
    assert.equal(collections, 1);
    heap.follow(true, 12 * step);
    assert.equal(collections, 2);
    heap.follow(false, 20 * step);
    heap.follow(false, 30 * step);
    assert.equal(collections, 2, 'none once near the tip');
    assert.equal(made, 1, 'the collector is made once');
  });

  it('sets flags and collects with what V8 offers while running', () => {
    const collect = exposedCollector();
    assert.equal(typeof collect, 'function', 'V8 gives a full collection once --expose-gc is set');
    collect?.();
    const heap = new CatchUpHeap();
    heap.follow(true, 0);
    heap.follow(true, CATCH_UP_COLLECT_INTERVAL_MS);
    heap.follow(false, 2 * CATCH_UP_COLLECT_INTERVAL_MS);
  });
});
