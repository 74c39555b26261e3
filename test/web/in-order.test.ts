import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InOrder } from '../../web/src/state/in-order.ts';

/** A load the test settles by hand. */
function pendingLoad<T>() {
  let settle!: { resolve: (value: T) => void; reject: (error: Error) => void };
  const promise = new Promise<T>((resolve, reject) => {
    settle = { resolve, reject };
  });
  return { promise, ...settle };
}

describe('web state: tasks in order around a lazy module (state/in-order.ts)', () => {
  it('queues tasks until the module loads, then runs them in order with it', async () => {
    let loaded: string | undefined;
    const load = pendingLoad<string>();
    let loads = 0;
    const seen: string[] = [];
    const tasks = new InOrder<string>(
      () => loaded,
      () => {
        loads++;
        return load.promise;
      },
    );
    tasks.run((module) => seen.push(`post ${module}`));
    tasks.run(() => seen.push('block'));
    assert.deepEqual([...seen], [], 'nothing runs before the module is in');
    load.resolve('code');
    loaded = 'code';
    await load.promise;
    await Promise.resolve();
    assert.deepEqual([...seen], ['post code', 'block']);
    assert.equal(loads, 1, 'one load for the whole queue');
    tasks.run((module) => seen.push(`now ${module}`));
    assert.deepEqual([...seen], ['post code', 'block', 'now code'], 'at once once loaded');
  });

  it('a task that needs nothing still waits behind the queue (never overtakes)', async () => {
    let loaded: string | undefined;
    const load = pendingLoad<string>();
    const seen: string[] = [];
    const tasks = new InOrder<string>(
      () => loaded,
      () => load.promise,
    );
    tasks.run(() => seen.push('post'));
    // The module is marked loaded before the queue's flush ran: the new task still queues.
    loaded = 'code';
    tasks.run(() => seen.push('eviction'));
    assert.deepEqual([...seen], []);
    load.resolve('code');
    await load.promise;
    await Promise.resolve();
    assert.deepEqual([...seen], ['post', 'eviction']);
  });

  it('a failed load runs the queue without the module, through the flush hook, and tries again later', async () => {
    const first = pendingLoad<string>();
    const loads = [first.promise, Promise.resolve('code')];
    const seen: unknown[] = [];
    const flushes: unknown[] = [];
    const tasks = new InOrder<string>(
      () => undefined,
      () => loads.shift()!,
      (runAll, module) => {
        flushes.push(module);
        runAll();
      },
    );
    tasks.run((module) => seen.push(module));
    first.reject(new Error('offline'));
    await first.promise.catch(() => undefined);
    await Promise.resolve();
    assert.deepEqual([...seen], [undefined]);
    assert.deepEqual([...flushes], [undefined]);
    tasks.run((module) => seen.push(module));
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual([...seen], [undefined, 'code']);
  });
});
