import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { NodeClient } from '#core/api/client.ts';
import { toHex } from '#core/bytes.ts';
import { type Post, signPost } from '#core/post.ts';
import { nameCommitment, profileContent } from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { testKey } from '../helpers/core.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

const ALICE = testKey('alice');
const BOB = testKey('bob');
const ALICE_PUB = toHex(nodeCrypto.publicKey(ALICE));
const BOB_PUB = toHex(nodeCrypto.publicKey(BOB));
let tick = 0;
function signed(key: Uint8Array, fields: Partial<Post> & { content: string }): Post {
  return signPost(
    { author: 'someone', timestamp: Math.floor(Date.now() / 1000) + ++tick / 1000, ...fields },
    key,
    nodeCrypto,
  );
}

/** The social API on a real node process: follow → timeline, a handle claimed and resolved. */
describe('social API against a node process', () => {
  let proc: NodeProcess;
  let api: NodeClient;
  before(async () => {
    proc = await startNodeProcess();
    api = new NodeClient(proc.url);
  });
  after(async () => {
    const code = await proc.stop();
    rmSync(proc.dataDir, { recursive: true, force: true });
    assert.equal(code, 0);
  });

  async function status(path: string, init?: RequestInit): Promise<[number, { error?: string }]> {
    const res = await fetch(`${proc.url}${path}`, init);
    return [res.status, (await res.json()) as { error?: string }];
  }

  it('follow, post, mine: the timeline shows the followed key; the pending follow showed as pending', async () => {
    await api.submit(signed(ALICE, { content: 'follow', kind: 'follow', ref: BOB_PUB }));
    await api.submit(signed(ALICE, { content: profileContent({ name: 'Alice' }), kind: 'profile' }));
    const bobPost = signed(BOB, { content: 'hello from bob' });
    const { id } = await api.submit(bobPost);
    assert.deepEqual((await api.person(ALICE_PUB)).pending.map((p) => p.kind).sort(), ['follow', 'profile']);
    await api.mine();
    const person = await api.person(ALICE_PUB);
    assert.equal(person.profile?.name, 'Alice');
    assert.equal(person.following, 1);
    assert.deepEqual(
      (await api.followers(BOB_PUB)).items.map((i) => i.pubkey),
      [ALICE_PUB],
    );
    const home = await api.timeline(ALICE_PUB);
    assert.deepEqual(
      home.items.map((v) => v.id),
      [id],
    );
    assert.equal(home.items[0]!.social?.deleted, false);
    await api.submit(signed(ALICE, { content: '🔥', kind: 'react', ref: id }));
    await api.mine();
    assert.deepEqual((await api.postSocial(id)).reactions, { '🔥': 1 });
    assert.deepEqual(
      (await api.notifications(BOB_PUB)).items.map((n) => n.type),
      ['react', 'follow'],
    );
  });

  it('a handle: commit, wait, reveal; then /people/@name and /names/:name', async () => {
    const salt = '42'.repeat(32);
    await api.submit(
      signed(BOB, {
        content: 'name_commit',
        kind: 'name_commit',
        ref: nameCommitment('bob', BOB_PUB, salt, nodeCrypto),
      }),
    );
    await api.mine();
    // The node mines only when something is pending: a plain post makes the second block.
    await api.submit(signed(ALICE, { content: 'one more block' }));
    await api.mine();
    await api.submit(signed(BOB, { content: 'bob', kind: 'name', ref: salt }));
    assert.equal((await api.name('bob')).pending_reveals, 1);
    await api.mine();
    const info = await api.name('bob');
    assert.equal(info.owner, BOB_PUB);
    assert.equal((await api.person('@bob')).pubkey, BOB_PUB);
    assert.equal((await api.person(BOB_PUB)).handle, 'bob');
  });

  it('bad input: typed 4xx, never a 500', async () => {
    assert.deepEqual((await status('/api/v1/people/nobody'))[0], 400);
    assert.equal((await status('/api/v1/people/@nobody_here'))[1].error, 'NOT_FOUND');
    assert.equal((await status('/api/v1/names/AB'))[0], 400);
    assert.equal((await status(`/api/v1/timeline/${'z'.repeat(64)}`))[0], 400);
    assert.equal((await status(`/api/v1/notifications/${ALICE_PUB}?before=-1`))[0], 400);
    assert.equal((await status(`/api/v1/posts/${'0'.repeat(64)}/social`))[0], 404);
    const post = (body: unknown) =>
      status('/api/v1/posts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const now = Math.floor(Date.now() / 1000);
    assert.equal(
      (await post({ author: 'a', content: 'follow', timestamp: now, kind: 'follow', ref: BOB_PUB }))[1].error,
      'POST_KIND_UNSIGNED',
    );
    assert.equal(
      (await post({ author: '@bob', content: 'hi', timestamp: now }))[1].error,
      'POST_AUTHOR_HANDLE_LIKE',
    );
    assert.equal((await post(signed(ALICE, { content: 'x', kind: 'poll' })))[1].error, 'POST_UNKNOWN_KIND');
  });
});
