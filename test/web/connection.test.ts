import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ApiError, type NodeApi } from '../../web/src/api.ts';
import { RETRY_MIN_MS } from '../../web/src/state/backoff.ts';
import { ConnectionStore } from '../../web/src/state/connection.ts';
import { StateHub } from '../../web/src/state/hub.ts';
import type { AppState } from '../../web/src/state/types.ts';

/**
 * The sync's shape: the status and the newest posts are asked side by side (the page preloads
 * both; waiting for one before asking the other cost a round trip on a slow phone), and a failed
 * round moves the retry schedule by one step, not one per failed request.
 */
describe('connection sync', () => {
  let connection: ConnectionStore | undefined;
  afterEach(() => connection?.switchTo('')); // drops the retry timer's generation

  function setup(status: () => Promise<unknown>, loadLatest: (c: ConnectionStore) => Promise<void>) {
    const hub = new StateHub({} as AppState);
    const asked: string[] = [];
    const store: ConnectionStore = new ConnectionStore(hub, {
      loadLatest: () => {
        asked.push('feed');
        return loadLatest(store);
      },
      onPost: () => undefined,
      onBlock: () => undefined,
      onEvicted: () => undefined,
    });
    store.switchTo('http://node.invalid');
    store.api = {
      status: () => {
        asked.push('status');
        return status();
      },
    } as unknown as NodeApi;
    connection = store;
    return { hub, store, asked };
  }

  it('asks for the newest posts while the status is still on its way', async () => {
    let fail!: (error: unknown) => void;
    const pending = new Promise((_resolve, reject) => {
      fail = reject;
    });
    const { store, asked } = setup(
      () => pending,
      async () => undefined,
    );
    const sync = store.resync();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(asked.sort(), ['feed', 'status'], 'both asked before the status answered');
    fail(new ApiError('network', 'unreachable'));
    await sync;
  });

  it('a round where both fail takes one step of the retry schedule', async () => {
    const unreachable = () => new ApiError('network', 'connect ECONNREFUSED');
    const { hub, store } = setup(
      async () => {
        // The feed's failure lands first, while the status request is still under way.
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw unreachable();
      },
      async (c) => {
        c.failed(unreachable());
      },
    );
    const before = Date.now();
    await store.resync();
    assert.equal(hub.state.connection, 'offline');
    const wait = (hub.state.retryAt ?? 0) - before;
    assert.ok(wait >= RETRY_MIN_MS && wait < RETRY_MIN_MS * 2, `the first retry in ${wait} ms`);
  });
});
