import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Block } from '#core/block.ts';
import type { CryptoPort } from '#core/crypto.ts';
import { merkleRoot } from '#core/merkle.ts';
import { REGTEST } from '#core/params.ts';
import type { Post } from '#core/post.ts';
import { Chain } from '#node/chain/chain.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { Mempool } from '#node/mempool.ts';
import { chainView } from '#node/p2p/adapters.ts';
import { P2PErrorCode } from '#node/p2p/errors.ts';
import { NodeIdentity } from '#node/p2p/identity.ts';
import { BlockIntake } from '#node/p2p/intake.ts';
import { OrphanPool } from '#node/p2p/orphans.ts';
import { PeerManager } from '#node/p2p/peer-manager.ts';
import type { ChainView } from '#node/p2p/ports.ts';
import { Store } from '#node/store/store.ts';
import { idOf, makePost, mineOn, TestClock, testChain } from '../../helpers/chain.ts';
import { blockOnGenesis } from '../../helpers/fake-peer.ts';
import { FakeTransport, fakeHello, MemoryPeerBook } from '../../helpers/fake-transport.ts';

const PEER = 'http://peer.example';

/** Blocks 1..n of one chain, mined elsewhere (another in-memory chain with the same genesis). */
function minedElsewhere(count: number): Block[] {
  const { chain } = testChain();
  const blocks: Block[] = [];
  for (let i = 0; i < count; i++) {
    const block = mineOn(chain, chain.tip, []);
    assert.ok(chain.acceptBlock(block).ok);
    blocks.push(block);
  }
  return blocks;
}

/** node:crypto, counting the Ed25519 verifications and SHA-256 calls made through it. */
function countingCrypto() {
  const counts = { verify: 0, sha256: 0 };
  const crypto: CryptoPort = {
    ...nodeCrypto,
    verify: (signature, message, key) => {
      counts.verify++;
      return nodeCrypto.verify(signature, message, key);
    },
    sha256: (data) => {
      counts.sha256++;
      return nodeCrypto.sha256(data);
    },
  };
  return { crypto, counts };
}

/** An in-memory regtest chain that verifies through `crypto`. */
function chainWith(crypto: CryptoPort): Chain {
  const clock = new TestClock();
  const store = Store.open({ dataDir: ':memory:', params: REGTEST });
  const pool = new Mempool(store, REGTEST, crypto, { now: clock.now });
  return new Chain({ store, pool, params: REGTEST, crypto, now: clock.now });
}

/** `count` distinct posts signed with the helpers' fixed key. */
function signedPosts(count: number, tag: string): Post[] {
  return Array.from({ length: count }, (_, i) => makePost(`${tag} ${i}`));
}

async function setup(real: Chain = testChain().chain) {
  const chain: ChainView = chainView(real);
  const book = new MemoryPeerBook();
  const peers = new PeerManager({
    chain,
    store: book,
    transport: new FakeTransport({ handshake: async (peer) => fakeHello(peer) }),
    nonce: 'ab'.repeat(16),
    selfUrl: () => undefined,
    identity: NodeIdentity.ephemeral(),
    maxOutbound: 8,
    discourageMs: 60_000,
    agent: 'test',
    log: () => undefined,
    onConnected: () => undefined,
  });
  await peers.connect(PEER); // only a connected peer, with a proven key, is ever scored
  const orphans = new OrphanPool();
  return { chain, book, orphans, intake: new BlockIntake(chain, orphans, peers) };
}

describe('block intake: the one door for blocks from peers', () => {
  it('keeps a block with an unknown parent as an orphan, and connects it when the parent arrives', async () => {
    const [first, second, third] = minedElsewhere(3) as [Block, Block, Block];
    const { chain, orphans, intake, book } = await setup();
    const size = JSON.stringify(third).length;
    assert.deepEqual(
      [intake.accept(third, PEER, size).ok, intake.accept(second, PEER, size)],
      [
        false,
        { ok: false, code: P2PErrorCode.ORPHAN, message: `parent ${first.hash} unknown: kept as an orphan` },
      ],
    );
    assert.deepEqual([orphans.has(second.hash), orphans.has(third.hash)], [true, true]);
    assert.equal(intake.rejected, 0, 'an orphan is not a rejection');
    assert.equal(book.get(PEER)?.score, 0, 'nor held against its sender');
    const outcome = intake.accept(first, PEER, size);
    assert.ok(outcome.ok);
    assert.equal(chain.tip.hash, third.hash, 'the orphans were released breadth first, in order');
    assert.equal(orphans.size, 0);
  });

  it('an orphan that fails stateless validation is rejected and scored, never pooled', async () => {
    const [, second] = minedElsewhere(2) as [Block, Block];
    const { orphans, intake, book } = await setup();
    const forged = { ...second, nonce: second.nonce + 1 }; // the hash no longer matches
    const outcome = intake.accept(forged, PEER, 100);
    assert.equal(outcome.ok, false);
    assert.equal(orphans.size, 0);
    assert.equal(intake.rejected, 1);
    assert.equal(intake.lastRejection?.peer, PEER);
    assert.equal(book.isDiscouraged(PEER), true, 'invalid consensus data: 100 points at once');
  });

  it('a block on a known parent that the chain rejects is scored with the rule it broke', async () => {
    const { chain, intake, book } = await setup();
    const bad = blockOnGenesis([], 'ff'.repeat(32));
    const outcome = intake.accept(bad, PEER, 100);
    assert.deepEqual(outcome.ok ? undefined : outcome.code, 'BLOCK_BAD_MERKLE_ROOT');
    assert.equal(chain.tip.height, 0);
    assert.match(book.get(PEER)?.ban_reason ?? '', /^BLOCK_BAD_MERKLE_ROOT: /);
  });

  it('a pushed block relayed before its sender validated it (BIP152) is refused but not scored', async () => {
    const { chain, intake, book } = await setup();
    const bad = blockOnGenesis([], 'ff'.repeat(32));
    const outcome = intake.accept(bad, PEER, 100, {}, true);
    assert.deepEqual(outcome.ok ? undefined : outcome.code, 'BLOCK_BAD_MERKLE_ROOT');
    assert.equal(chain.tip.height, 0);
    assert.equal(book.get(PEER)?.ban_reason ?? null, null, 'not discouraged');
    assert.equal(intake.unscored, 1);
    assert.equal(intake.rejected, 0);
  });

  it('a duplicate is accepted as such and releases nothing twice', async () => {
    const [first] = minedElsewhere(1) as [Block];
    const { intake } = await setup();
    assert.ok(intake.accept(first, PEER, 1).ok);
    const again = intake.accept(first, PEER, 1);
    assert.ok(again.ok && again.status === 'duplicate');
    assert.equal(intake.rejected, 0);
  });

  it('an orphan full of signed posts costs no signature check, and a replay costs no post hashing (finding 3)', async () => {
    const { crypto, counts } = countingCrypto();
    const { orphans, intake, book } = await setup(chainWith(crypto));
    const posts = signedPosts(200, 'orphan');
    const orphan = blockOnGenesis(posts, merkleRoot(posts.map(idOf)), {
      previous: 'ab'.repeat(32),
      index: 2,
    });
    const size = JSON.stringify(orphan).length;
    counts.verify = 0;
    const first = intake.accept(orphan, PEER, size);
    assert.equal(first.ok ? undefined : first.code, P2PErrorCode.ORPHAN);
    assert.equal(orphans.has(orphan.hash), true);
    assert.equal(counts.verify, 0, 'no signature verified for a block whose parent is unknown');
    counts.sha256 = 0;
    for (let i = 0; i < 5; i++) {
      const again = intake.accept(orphan, PEER, size);
      assert.equal(again.ok ? undefined : again.code, P2PErrorCode.ORPHAN);
    }
    assert.equal(counts.verify, 0);
    assert.ok(counts.sha256 <= 5 * 4, `a replay hashes the header only (${counts.sha256} SHA-256 calls)`);
    assert.equal(book.get(PEER)?.score, 0);
  });

  it("an orphan's signatures are checked when it connects: a bad one is then rejected and scored", async () => {
    const { crypto, counts } = countingCrypto();
    const { chain: elsewhere } = testChain();
    const parent = mineOn(elsewhere, elsewhere.tip, []);
    assert.ok(elsewhere.acceptBlock(parent).ok);
    const good = signedPosts(12, 'connects');
    const forged = { ...good[3]!, signature: good[4]!.signature }; // same key, wrong message
    const posts = [...good.slice(0, 3), forged, ...good.slice(4)];
    const child = blockOnGenesis(posts, merkleRoot(posts.map(idOf)), {
      previous: parent.hash,
      index: 2,
      timestamp: parent.timestamp + 1,
    });
    const { chain, orphans, intake, book } = await setup(chainWith(crypto));
    counts.verify = 0;
    const kept = intake.accept(child, PEER, 100);
    assert.equal(kept.ok ? undefined : kept.code, P2PErrorCode.ORPHAN);
    assert.equal(counts.verify, 0);
    assert.equal(book.get(PEER)?.score, 0, 'a bad signature is not seen while the block is an orphan');
    assert.ok(intake.accept(parent, 'http://other.example', 100).ok);
    assert.equal(chain.tip.hash, parent.hash, 'the orphan did not connect');
    assert.equal(orphans.size, 0);
    assert.equal(counts.verify, 4, 'verified in order up to the forged signature');
    assert.match(book.get(PEER)?.ban_reason ?? '', /^POST_BAD_SIGNATURE: /);
  });
});
