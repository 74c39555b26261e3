import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ftsQuery, PREFIX_MIN_CHARS } from '#node/store/queries/search.ts';
import { extend, idOf, testChain } from '../../helpers/chain.ts';
import { addPending, feedIds, postBy, queriesOf } from '../../helpers/queries.ts';

/** Search as you type (issue 12 item 12): each term of two characters or more is a prefix. */
describe('full-text search: prefix matching', () => {
  const test = testChain();
  const queries = queriesOf(test);
  const zebras = postBy('alice', 'Zebras crossing the savanna');
  const zen = postBy('bob', 'zen and the art of mining');
  const unicode = postBy('carol', 'Ünïcode café straße 日本語');
  extend(test.chain, test.chain.tip, [zebras, zen]);
  addPending(test.store, unicode);
  const find = (q: string) => feedIds(queries, { limit: 50, q });

  it('finds words by their beginning, in the content and in the author name', () => {
    assert.deepEqual(find('zeb'), [idOf(zebras)]);
    assert.deepEqual(find('ze'), [idOf(zen), idOf(zebras)]);
    assert.deepEqual(find('sav zeb'), [idOf(zebras)], 'every term is a prefix, all must match');
    assert.deepEqual(find('sav zen'), [], 'terms are ANDed');
    assert.deepEqual(find('ali'), [idOf(zebras)], 'author prefix');
    assert.deepEqual(find('ZEBR'), [idOf(zebras)], 'case folded');
    assert.deepEqual(find('unic caf stra'), [idOf(unicode)], 'diacritics folded, pending posts found');
  });

  it('a one-character term matches whole tokens only (no index-wide scan)', () => {
    assert.equal(PREFIX_MIN_CHARS, 2);
    assert.deepEqual(find('z'), []);
    assert.equal(ftsQuery('z'), '"z"');
    assert.equal(ftsQuery('ze'), '"ze"*');
  });

  it('a prefix cannot smuggle FTS5 syntax: quotes, stars and column filters stay literal', () => {
    assert.equal(ftsQuery('ze"bra'), '"ze""bra"*');
    assert.deepEqual(find('ze"'), [idOf(zen), idOf(zebras)]);
    assert.deepEqual(find('author:ali'), []);
    assert.deepEqual(find('zeb*'), [idOf(zebras)]);
    assert.deepEqual(find('ze**'), [idOf(zen), idOf(zebras)]);
  });
});
