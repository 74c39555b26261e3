import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '#core/api/client.ts';
import { classifySearch, searchDestination } from '../../web/src/lib/search-target.ts';

const HEX = 'ab'.repeat(32);

/** The one search box (issue 12 item 12): what a query is, and where a lookup lands. */
describe('search box: classifySearch and searchDestination', () => {
  it('classifies heights, 64-hex hashes and text', () => {
    assert.deepEqual(classifySearch(' 12 '), { kind: 'height', height: 12 });
    assert.deepEqual(classifySearch('#0'), { kind: 'height', height: 0 });
    assert.deepEqual(classifySearch(HEX.toUpperCase()), { kind: 'hash', hex: HEX });
    assert.deepEqual(classifySearch(`  ${HEX}\n`), { kind: 'hash', hex: HEX });
    for (const text of [
      'hello',
      'ab'.repeat(31),
      `${HEX}0`,
      '12 apples',
      '1e3',
      '-1',
      '9'.repeat(16),
      'zz'.repeat(32),
    ]) {
      assert.equal(classifySearch(text).kind, 'text', text);
    }
  });

  const missing = () => Promise.reject(new ApiError('http', 'not found', 404, 'NOT_FOUND'));
  const found = () => Promise.resolve({} as never);

  it('a hash is tried as a post, then a block, then taken as a key', async () => {
    const target = classifySearch(HEX);
    assert.equal(await searchDestination(target, { post: found, block: missing }), `/post/${HEX}`);
    assert.equal(await searchDestination(target, { post: missing, block: found }), `/block/${HEX}`);
    assert.equal(await searchDestination(target, { post: missing, block: missing }), `/author/${HEX}`);
  });

  it('a height goes to its block, text nowhere; a node that cannot answer is an error, not a guess', async () => {
    const never = () => Promise.reject(new Error('not asked'));
    assert.equal(await searchDestination(classifySearch('7'), { post: never, block: never }), '/block/7');
    assert.equal(await searchDestination(classifySearch('zebras'), { post: never, block: never }), undefined);
    const down = () => Promise.reject(new ApiError('network', 'the node could not be reached'));
    await assert.rejects(
      searchDestination(classifySearch(HEX), { post: down, block: found }),
      /could not be reached/,
    );
  });
});
