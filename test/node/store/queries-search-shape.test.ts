/**
 * The shape of a search's FTS5 query (issue 13, a million posts): a prefix query makes FTS5
 * merge the whole posting list of every token it matches before the first row, so a term that
 * no longer indexed token extends is asked as a whole token instead, with the same matches.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ftsQuery, IndexedTokens } from '#node/store/queries/search.ts';
import { extend, idOf, testChain } from '../../helpers/chain.ts';
import { addPending, feedIds, postBy, queriesOf } from '../../helpers/queries.ts';

describe('full-text search: whole tokens where the prefix matches nothing more', () => {
  const test = testChain();
  const queries = queriesOf(test);
  const zebra = postBy('alice', 'a zebra crossing');
  const zen = postBy('bob', 'zen and the art of mining');
  extend(test.chain, test.chain.tip, [zebra, zen]);
  test.store.searchIndex.catchUp();
  const tokens = new IndexedTokens(test.store.database, () => test.store.searchIndex.indexedSeq());
  const find = (q: string) => feedIds(queries, { limit: 50, q });

  it('asks a term no longer token extends as a whole token, and a prefix otherwise', () => {
    assert.equal(tokens.extended('zebra'), false);
    assert.equal(tokens.extended('zeb'), true);
    assert.equal(tokens.extended('ze'), true, 'zebra and zen');
    assert.equal(tokens.extended('zen'), false);
    assert.equal(tokens.extended('zz'), false, 'nothing at all: the whole token matches nothing either');
    assert.equal(ftsQuery('Zebra zeb', tokens.extended), '"Zebra" AND "zeb"*');
    // Terms that are not one ASCII token keep the prefix form (the tokenizer's folding decides).
    assert.equal(ftsQuery('zébra ze-bra', tokens.extended), '"zébra"* AND "ze-bra"*');
  });

  it('finds the same posts either way', () => {
    assert.deepEqual(find('zebra'), [idOf(zebra)]);
    assert.deepEqual(find('ZEBRA'), [idOf(zebra)]);
    assert.deepEqual(find('zeb'), [idOf(zebra)]);
    assert.deepEqual(find('ze'), [idOf(zen), idOf(zebra)]);
  });

  it('sees a longer token as soon as it is indexed (the answers are cached per index state)', () => {
    assert.deepEqual(find('zebra'), [idOf(zebra)]);
    const zebras = postBy('carol', 'two zebras');
    addPending(test.store, zebras);
    // The search indexes the new post first, then shapes the query: "zebra" is a prefix again.
    assert.deepEqual(find('zebra'), [idOf(zebras), idOf(zebra)]);
    assert.equal(tokens.extended('zebra'), true);
  });
});
