import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '#core/bytes.ts';
import { ErrorCode } from '#core/errors.ts';
import { parsePost, signPost, validatePost } from '#core/post.ts';
import {
  isSingleEmoji,
  isValidName,
  looksLikeHandle,
  mentionsOf,
  parseProfile,
  profileContent,
} from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { testKey } from '../../helpers/core.ts';

const ALICE = testKey('alice');
const BOB_PUB = toHex(nodeCrypto.publicKey(testKey('bob')));
const T = 1795392060;

function codeOf(post: unknown): string | undefined {
  const r = parsePost(post);
  return r.ok ? undefined : r.code;
}

describe('action form (§13.1)', () => {
  it('old posts keep passing and keep their fields; kind and ref are kept on actions', () => {
    const plain = { author: 'a', content: 'b', timestamp: T };
    assert.deepEqual(parsePost(plain), { ok: true, value: plain });
    const follow = signPost({ ...plain, content: 'follow', kind: 'follow', ref: BOB_PUB }, ALICE, nodeCrypto);
    const r = parsePost(follow);
    assert.ok(r.ok);
    assert.equal(r.value.kind, 'follow');
    assert.equal(r.value.ref, BOB_PUB);
  });

  it('a kind needs a signature, even a kind nobody knows', () => {
    assert.equal(
      codeOf({ author: 'a', content: 'x', timestamp: T, kind: 'poll' }),
      ErrorCode.POST_KIND_UNSIGNED,
    );
  });

  it('kind and ref are part of the id: changing either breaks the signature', () => {
    const p = signPost(
      { author: 'a', content: '👍', timestamp: T, kind: 'react', ref: 'aa'.repeat(32) },
      ALICE,
      nodeCrypto,
    );
    const moved = { ...p, ref: 'bb'.repeat(32) };
    const code = (post: unknown) => {
      const r = validatePost(post, nodeCrypto);
      return r.ok ? undefined : r.code;
    };
    assert.equal(code(p), undefined);
    assert.equal(code(moved), ErrorCode.POST_BAD_SIGNATURE);
    assert.equal(code({ ...p, kind: 'repost', content: 'repost' }), ErrorCode.POST_BAD_SIGNATURE);
  });
});

describe('emoji grammar (§13.3)', () => {
  it('accepts single emoji of every shape', () => {
    for (const e of ['👍', '❤️', '👍🏿', '👩🏽‍💻', '👨‍👩‍👧‍👦', '🇯🇵', '#️⃣', '1⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '☺', '🫠'])
      assert.ok(isSingleEmoji(e), e);
  });
  it('refuses text, two emoji, bare modifiers and joiners', () => {
    for (const e of ['', 'a', '1', '👍👍', '🇫', '🏿', '\u200d', '👍\u200d', ' 👍', '👍 ', '🇫🇷🇫', ':)'])
      assert.ok(!isSingleEmoji(e), JSON.stringify(e));
  });
});

describe('profiles (§13.2)', () => {
  it('canonical JSON only, bounded fields, inline images only', () => {
    assert.ok(parseProfile(profileContent({ name: 'Alice' })).ok);
    assert.ok(parseProfile('{"avatar":"data:image/png;base64,iVBORw0KGgo=","name":"A"}').ok);
    assert.ok(!parseProfile('{"name":"A","avatar":"data:image/png;base64,iVBORw0KGgo="}').ok, 'member order');
    assert.ok(!parseProfile('{"name":""}').ok);
    assert.ok(!parseProfile(`{"name":"${'x'.repeat(51)}"}`).ok);
    assert.ok(!parseProfile(profileContent({ name: 'A', bio: 'b'.repeat(501) })).ok);
    assert.ok(
      !parseProfile('{"avatar":"data:image/svg+xml;base64,PHN2Zz4=","name":"A"}').ok,
      'svg can script',
    );
    assert.ok(!parseProfile('[]').ok);
    assert.ok(!parseProfile('not json').ok);
  });
});

describe('names and mentions (§13.5, §13.6)', () => {
  it('name syntax', () => {
    for (const n of ['abc', 'alice_2026', 'a'.repeat(20), '___']) assert.ok(isValidName(n), n);
    for (const n of ['ab', 'a'.repeat(21), 'Alice', 'al-ice', 'alïce', 'al ice'])
      assert.ok(!isValidName(n), n);
  });
  it('mentions: word-bounded, distinct, in order', () => {
    assert.deepEqual(mentionsOf('hi @bob and @carol_1, @bob again (@dave)'), ['bob', 'carol_1', 'dave']);
    assert.deepEqual(mentionsOf('mail@bob.example @Bob @ab @toolongnametoolongname1'), []);
  });
  it('authors that would pass for a handle', () => {
    for (const a of ['@alice', '  @alice', '＠alice', '﹫alice']) assert.ok(looksLikeHandle(a), a);
    for (const a of ['alice', 'alice@home', 'a @b']) assert.ok(!looksLikeHandle(a), a);
  });
});
