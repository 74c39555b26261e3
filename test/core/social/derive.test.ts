import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ConfirmedAction,
  deletedIds,
  deriveNameOwner,
  editChain,
  followGraph,
  isHeld,
  latestProfile,
  NAME_PARAMS,
  type NameAction,
  nameCommitment,
  postCounts,
  profileContent,
  type TargetPost,
} from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';

const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);
const C = 'c3'.repeat(32);
const P = 'dd'.repeat(32);
let n = 0;
function act(pubkey: string, kind: string, height: number, content: string, ref?: string): ConfirmedAction {
  return {
    id: (++n).toString(16).padStart(64, '0'),
    pubkey,
    kind,
    content,
    height,
    position: n,
    ...(ref ? { ref } : {}),
  };
}

describe('derived state (§13.4)', () => {
  it('follow graph: latest of follow/unfollow in chain order, whatever the input order', () => {
    const actions = [
      act(A, 'unfollow', 5, 'unfollow', B),
      act(A, 'follow', 3, 'follow', B),
      act(A, 'follow', 4, 'follow', C),
    ];
    const graph = followGraph(actions, new Set());
    assert.deepEqual([...(graph.get(A) ?? [])], [C]);
    // Same height: position decides.
    const same = [
      { ...act(A, 'follow', 7, 'follow', B), position: 2 },
      { ...act(A, 'unfollow', 7, 'unfollow', B), position: 1 },
    ];
    assert.deepEqual([...(followGraph(same, new Set()).get(A) ?? [])], [B]);
    // A self-follow is no edge; a deleted unfollow no longer counts.
    const un = act(A, 'unfollow', 9, 'unfollow', B);
    const g = followGraph(
      [act(A, 'follow', 8, 'follow', A), act(A, 'follow', 8, 'follow', B), un],
      new Set([un.id]),
    );
    assert.deepEqual([...(g.get(A) ?? [])], [B]);
  });

  it('latest profile, skipping deleted ones', () => {
    const p1 = act(A, 'profile', 1, profileContent({ name: 'One' }));
    const p2 = act(A, 'profile', 2, profileContent({ name: 'Two' }));
    assert.equal(latestProfile([p2, p1], A, new Set())?.name, 'Two');
    assert.equal(latestProfile([p2, p1], A, new Set([p2.id]))?.name, 'One');
    assert.equal(latestProfile([p2, p1], B, new Set()), undefined);
  });

  it('counts: distinct keys per emoji and per repost; deleted actions do not count', () => {
    const r1 = act(A, 'react', 1, '👍', P);
    const actions = [
      r1,
      act(A, 'react', 2, '👍', P),
      act(B, 'react', 2, '👍', P),
      act(B, 'react', 3, '❤️', P),
      act(A, 'repost', 3, 'repost', P),
      act(A, 'repost', 4, 'repost', P),
      act(C, 'quote', 4, 'yes', P),
      act(C, 'react', 4, '👍', B),
    ];
    assert.deepEqual(postCounts(actions, P, new Set()), {
      reactions: { '❤️': 1, '👍': 2 },
      reposts: 1,
      quotes: 1,
    });
    const deleted = deletedIds([act(A, 'delete', 9, 'delete', r1.id)], (id) =>
      actions.find((a) => a.id === id),
    );
    // A's other 👍 (height 2) still counts.
    assert.deepEqual(postCounts(actions, P, deleted).reactions['👍'], 2);
  });

  it('deletions and edits only by the target key (ownership)', () => {
    const post: TargetPost = { id: P, pubkey: A, content: 'v1' };
    const byB = act(B, 'edit', 5, 'hijacked', P);
    const e1 = act(A, 'edit', 6, 'v2', P);
    const e2 = act(A, 'edit', 7, 'v3', P);
    const chain = editChain([e2, byB, e1], post, new Set());
    assert.equal(chain.latest, 'v3');
    assert.deepEqual(
      chain.edits.map((e) => e.content),
      ['v2', 'v3'],
    );
    assert.equal(editChain([e2, e1], post, new Set([e2.id])).latest, 'v2');
    const lookup = (id: string) => (id === P ? post : undefined);
    assert.deepEqual([...deletedIds([act(B, 'delete', 8, 'delete', P)], lookup)], []);
    assert.deepEqual([...deletedIds([act(A, 'delete', 8, 'delete', P)], lookup)], [P]);
    // Unsigned posts cannot be edited or deleted by anyone.
    const unsigned: TargetPost = { id: P, content: 'x' };
    assert.equal(editChain([e1], unsigned, new Set()).latest, 'x');
    assert.deepEqual([...deletedIds([act(A, 'delete', 8, 'delete', P)], () => unsigned)], []);
  });
});

describe('names: commit, reveal, race, expiry (§13.5)', () => {
  const params = NAME_PARAMS.regtest;
  const SALT_A = '01'.repeat(32);
  const SALT_M = '02'.repeat(32);
  function commits(list: [string, string, string, number][]) {
    const map = new Map(
      list.map(([name, key, salt, h]) => [`${nameCommitment(name, key, salt, nodeCrypto)}:${key}`, h]),
    );
    return (commitment: string, key: string) => map.get(`${commitment}:${key}`);
  }
  const reveal = (pubkey: string, salt: string, height: number, position = 0): NameAction => ({
    id: `${pubkey.slice(0, 2)}${height}${position}`.padEnd(64, '0'),
    pubkey,
    salt,
    height,
    position,
  });

  it('a reveal counts only revealDelay blocks after its commitment', () => {
    const lookup = commits([['alice', A, SALT_A, 10]]);
    assert.equal(deriveNameOwner('alice', [reveal(A, SALT_A, 11)], lookup, params, nodeCrypto), undefined);
    assert.equal(deriveNameOwner('alice', [reveal(A, SALT_A, 12)], lookup, params, nodeCrypto)?.owner, A);
    // The wrong salt or another name: no commitment matches.
    assert.equal(deriveNameOwner('alice', [reveal(A, SALT_M, 20)], lookup, params, nodeCrypto), undefined);
    assert.equal(deriveNameOwner('alicia', [reveal(A, SALT_A, 20)], lookup, params, nodeCrypto), undefined);
  });

  it('two claims: the first valid reveal in chain order wins', () => {
    const lookup = commits([
      ['alice', A, SALT_A, 10],
      ['alice', B, SALT_M, 5],
    ]);
    const s = deriveNameOwner(
      'alice',
      [reveal(A, SALT_A, 13, 1), reveal(B, SALT_M, 13, 2)],
      lookup,
      params,
      nodeCrypto,
    );
    assert.equal(s?.owner, A);
  });

  it('a front-running miner who copies the name with its own fresh commitment loses', () => {
    // Alice committed at 10 and reveals at 12. The miner M sees the reveal in the pool and puts
    // its own commitment and reveal for "alice" in the same block, first.
    const M = 'ee'.repeat(32);
    const lookup = commits([
      ['alice', A, SALT_A, 10],
      ['alice', M, SALT_M, 12],
    ]);
    const actions = [reveal(M, SALT_M, 12, 1), reveal(A, SALT_A, 12, 3)];
    assert.equal(deriveNameOwner('alice', actions, lookup, params, nodeCrypto)?.owner, A);
    // Copying Alice's salt does not help: the commitment binds her key.
    const copied = [reveal(M, SALT_A, 12, 1), reveal(A, SALT_A, 12, 3)];
    assert.equal(deriveNameOwner('alice', copied, lookup, params, nodeCrypto)?.owner, A);
    // And the miner's later reveal, once its commitment is old enough, is ignored: taken.
    const later = [...actions, reveal(M, SALT_M, 14, 0)];
    assert.equal(deriveNameOwner('alice', later, lookup, params, nodeCrypto)?.owner, A);
  });

  it('expiry and renewal by the owner', () => {
    const lookup = commits([
      ['alice', A, SALT_A, 10],
      ['alice', B, SALT_M, 10],
    ]);
    const claimed = deriveNameOwner('alice', [reveal(A, SALT_A, 12)], lookup, params, nodeCrypto);
    assert.equal(claimed?.expiresAt, 12 + params.expiry);
    assert.ok(isHeld(claimed, 31) && !isHeld(claimed, 32));
    // B's reveal while held is ignored; after expiry it takes the name.
    const held = deriveNameOwner(
      'alice',
      [reveal(A, SALT_A, 12), reveal(B, SALT_M, 31)],
      lookup,
      params,
      nodeCrypto,
    );
    assert.equal(held?.owner, A);
    const lapsed = deriveNameOwner(
      'alice',
      [reveal(A, SALT_A, 12), reveal(B, SALT_M, 32)],
      lookup,
      params,
      nodeCrypto,
    );
    assert.equal(lapsed?.owner, B);
    // A renews at 30 (no commitment needed): B's reveal at 32 is ignored.
    const renewed = deriveNameOwner(
      'alice',
      [reveal(A, SALT_A, 12), reveal(A, SALT_M, 30), reveal(B, SALT_M, 32)],
      lookup,
      params,
      nodeCrypto,
    );
    assert.equal(renewed?.owner, A);
    assert.equal(renewed?.expiresAt, 50);
    assert.equal(renewed?.claimedAt, 12);
  });
});
