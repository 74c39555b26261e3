/**
 * The status counts at a million posts (issue 13): count(*) over `confirmed` walks the whole
 * table, so the confirmed count is carried from tip to tip by the new blocks' post counts and
 * counted anew only after a reorg (or a long jump).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Db } from '#node/store/database.ts';
import { StatsQuery } from '#node/store/queries/stats.ts';
import { extend, makePost, testChain } from '../../helpers/chain.ts';

/** A connection whose full count of `confirmed` is counted each time it runs. */
function countingDb(db: Db): { db: Db; fullCounts: () => number } {
  let runs = 0;
  const proxy = new Proxy(db, {
    get(target, key) {
      if (key !== 'prepare') return Reflect.get(target, key);
      return (sql: string) => {
        const stmt = target.prepare(sql);
        if (sql !== 'SELECT count(*) FROM confirmed') return stmt;
        const get = stmt.get.bind(stmt);
        stmt.get = ((...args: unknown[]) => {
          runs++;
          return get(...(args as []));
        }) as typeof stmt.get;
        return stmt;
      };
    },
  });
  return { db: proxy, fullCounts: () => runs };
}

describe('StatsQuery', () => {
  it('carries the confirmed count along the tip, and counts anew after a reorg', () => {
    const { chain, store } = testChain();
    const { db, fullCounts } = countingDb(store.database);
    const stats = new StatsQuery(db, () => chain.tip);
    const truth = () => store.database.prepare('SELECT count(*) FROM confirmed').pluck().get() as number;
    const fork = extend(chain, chain.tip, [makePost(), makePost()]);
    assert.equal(stats.get().posts_confirmed, 2);
    assert.equal(fullCounts(), 1);
    extend(chain, chain.tip, [makePost(), makePost(), makePost()]);
    assert.equal(stats.get().posts_confirmed, 5);
    extend(chain, extend(chain, chain.tip, [makePost()]), [makePost()]);
    assert.equal(stats.get().posts_confirmed, 7);
    assert.equal(stats.get().posts_confirmed, truth());
    assert.equal(fullCounts(), 1, 'no full count while the tip only grows');
    // A heavier branch from the first block: the counted tip is no longer an ancestor.
    let side = fork;
    for (let i = 0; i < 5; i++) side = extend(chain, side, [makePost()]);
    assert.equal(chain.tip.hash, side.hash);
    assert.equal(stats.get().posts_confirmed, truth());
    assert.equal(stats.get().posts_confirmed, 7);
    assert.equal(fullCounts(), 2);
  });
});
