/**
 * Writes test/vectors/social.json (docs/PROTOCOL.md §13.7): one signed action of every kind with
 * its canonical form and id, the form failures of §13.1 with their codes, and name commitments.
 * Deterministic (fixed keys, RFC 8032 signatures). Run: node --import tsx scripts/generate-social-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toHex } from '#core/bytes.ts';
import { canonicalPost, type Post, parsePost, postId, signPost, type UnsignedPost } from '#core/post.ts';
import { nameCommitment, profileContent } from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { testKey } from '../test/helpers/core.ts';

const crypto = nodeCrypto;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALICE = testKey('alice');
const BOB_PUB = toHex(crypto.publicKey(testKey('bob')));
const ALICE_PUB = toHex(crypto.publicKey(ALICE));
const T = 1795392060;
const TARGET = '5ee7105fd5324fb37caa13114118823d7128d3fa314a73d0c4f7680e1c0cfae8';
const SALT = '11'.repeat(32);

function action(kind: string, content: string, ref?: string): Post {
  const unsigned: UnsignedPost = { author: 'alice', content, timestamp: T, kind, ...(ref ? { ref } : {}) };
  return signPost(unsigned, ALICE, crypto);
}

interface Vector {
  description: string;
  post: unknown;
  canonical: string | null;
  id: string | null;
  valid: boolean;
  error?: string;
}

function vector(description: string, post: unknown): Vector {
  const parsed = parsePost(post);
  if (!parsed.ok) return { description, post, canonical: null, id: null, valid: false, error: parsed.code };
  return {
    description,
    post,
    canonical: canonicalPost(parsed.value),
    id: postId(parsed.value, crypto),
    valid: true,
  };
}

const commitment = nameCommitment('alice', ALICE_PUB, SALT, crypto);
const valid: [string, Post][] = [
  ['profile', action('profile', profileContent({ name: 'Alice', bio: 'writes about bees' }))],
  ['follow', action('follow', 'follow', BOB_PUB)],
  ['unfollow', action('unfollow', 'unfollow', BOB_PUB)],
  ['react', action('react', '👍', TARGET)],
  ['react (ZWJ sequence with a skin tone)', action('react', '👩🏽‍💻', TARGET)],
  ['react (flag)', action('react', '🇫🇷', TARGET)],
  ['repost', action('repost', 'repost', TARGET)],
  ['quote', action('quote', 'This, exactly.', TARGET)],
  ['edit', action('edit', 'A signed post (fixed a typo)', TARGET)],
  ['delete', action('delete', 'delete', TARGET)],
  ['name_commit', action('name_commit', 'name_commit', commitment)],
  ['name (the reveal)', action('name', 'alice', SALT)],
  ['an unknown future kind passes the form', action('poll', 'Tea or coffee?')],
];
const signedFollow = action('follow', 'follow', BOB_PUB);
const invalid: [string, unknown][] = [
  [
    'kind on an unsigned post',
    { author: 'alice', content: 'follow', timestamp: T, kind: 'follow', ref: BOB_PUB },
  ],
  ['kind with an upper-case letter', { ...signedFollow, kind: 'Follow' }],
  ['kind that is not a string', { ...signedFollow, kind: 1 }],
  ['ref in upper-case hex', { ...signedFollow, ref: BOB_PUB.toUpperCase() }],
  ['ref without a kind', { author: 'alice', content: 'hi', timestamp: T, ref: TARGET }],
  ['follow without a ref', action('follow', 'follow')],
  ['follow of a small-order key', action('follow', 'follow', `01${'00'.repeat(31)}`)],
  ['follow whose content is not "follow"', action('follow', 'I follow Bob', BOB_PUB)],
  ['react with two emoji', action('react', '👍👍', TARGET)],
  ['react with a letter', action('react', 'a', TARGET)],
  ['profile with a ref', action('profile', profileContent({ name: 'Alice' }), TARGET)],
  ['profile not in canonical JSON', action('profile', '{ "name": "Alice" }')],
  ['profile with an unknown field', action('profile', '{"name":"Alice","url":"https://x"}')],
  ['profile with an avatar that is a URL', action('profile', '{"avatar":"https://x/a.png","name":"A"}')],
  ['name with an upper-case letter', action('name', 'Alice', SALT)],
  ['name of two characters', action('name', 'al', SALT)],
  [
    'an action with reply_to',
    signPost(
      { author: 'a', content: 'q', timestamp: T, kind: 'quote', ref: TARGET, reply_to: TARGET },
      ALICE,
      crypto,
    ),
  ],
];

const out = {
  description: 'Social actions (docs/PROTOCOL.md §13): signer = test key "alice"; see §13.7',
  signer: ALICE_PUB,
  actions: [...valid.map(([d, p]) => vector(d, p)), ...invalid.map(([d, p]) => vector(d, p))],
  name_commitments: [
    { name: 'alice', pubkey: ALICE_PUB, salt: SALT, commitment },
    {
      name: 'bob_2026',
      pubkey: BOB_PUB,
      salt: 'ab'.repeat(32),
      commitment: nameCommitment('bob_2026', BOB_PUB, 'ab'.repeat(32), crypto),
    },
  ],
};
writeFileSync(join(ROOT, 'test/vectors/social.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote test/vectors/social.json: ${out.actions.length} actions`);
