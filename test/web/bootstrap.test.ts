import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBootstrap } from '../../web/src/state/bootstrap.ts';

const STATUS = { network: 'regtest', height: 2, pending: { count: 0, bytes: 0 } };
const VIEW = { id: 'ab'.repeat(32), status: 'pending', post: { author: 'A', content: 'x', timestamp: 1 } };

describe("web: the page's data block (state/bootstrap.ts)", () => {
  it('reads the config, the status and the first feed page', () => {
    const text = JSON.stringify({ config: { node: null }, status: STATUS, feed: { items: [VIEW], next: 4 } });
    assert.deepEqual(parseBootstrap(text), {
      config: { node: null },
      status: STATUS,
      feed: { items: [VIEW], next: 4 },
    });
  });

  it('is absent without a block, or with one that is not ours: the app then fetches', () => {
    for (const text of [null, undefined, '', 'not json', '[]', '{}', '{"config":1}', 'null']) {
      assert.equal(parseBootstrap(text), undefined, String(text));
    }
  });

  it('drops a status or a feed of another shape (a page an older build cached), keeps the rest', () => {
    const odd = [
      { status: { height: '2' }, feed: { items: 'none' } },
      { status: { ...STATUS, pending: null }, feed: { items: [{ id: 1 }] } },
      { status: [], feed: { items: [VIEW], next: 'soon' } },
    ];
    for (const parts of odd) {
      assert.deepEqual(parseBootstrap(JSON.stringify({ config: { node: 'http://a' }, ...parts })), {
        config: { node: 'http://a' },
      });
    }
  });
});
