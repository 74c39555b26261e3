import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Block } from '#core/block.ts';
import { headerOf } from '#core/block.ts';
import { decodeBits } from '#core/compact.ts';
import { EMPTY_MERKLE_ROOT, merkleRoot } from '#core/merkle.ts';
import { REGTEST } from '#core/params.ts';
import { blockWork } from '#core/pow.ts';
import { idOf, makePost } from '../helpers/chain.ts';
import { blockOnGenesis, type FakePeer, type FakeRoutes, startFakePeer } from '../helpers/fake-peer.ts';
import { call, postAndMine, status, waitFor } from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

const HEAVY = 'f'.repeat(40);

/** A post whose signature is not the author's: one hex digit of the signature changed. */
function forgedPost() {
  const post = makePost('forged');
  const signature = post.signature!;
  return { ...post, signature: `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}` };
}

function wire(block: Block) {
  return { ...headerOf(block), hash: block.hash };
}

/**
 * A scripted malicious peer sends each kind of invalid header, block and post. Each is rejected
 * with its code, the peer is discouraged (and refused afterwards), the honest tip is unchanged.
 */
describe('a scripted malicious peer', () => {
  let node: NodeProcess;
  let honestTip: string;
  const fakes: FakePeer[] = [];
  const sessions = new Map<FakePeer, string>();
  const sessionHeader = (token: string) => ({ authorization: `YourNet-Session ${token}` });

  before(async () => {
    node = await startNodeProcess();
    await postAndMine(node.url, 'honest');
    honestTip = (await status(node.url)).tip;
  });
  after(async () => {
    for (const fake of fakes) await fake.close();
    await node.stop();
    rmSync(node.dataDir, { recursive: true, force: true });
  });

  async function expectDiscouraged(fake: FakePeer, code: string): Promise<void> {
    const entry = await waitFor(`${fake.url} to be discouraged for ${code}`, async () => {
      const known = (await call(`${node.url}/p2p/status`)).body.known as {
        url: string;
        discouragedUntil: number | null;
        reason: string | null;
      }[];
      return known.find((row) => row.url === fake.url && row.discouragedUntil !== null);
    });
    assert.ok(entry.reason?.startsWith(`${code}:`), `rejected with ${code}, got ${entry.reason}`);
    // Refused by its node key, whatever it claims.
    const again = await call(`${node.url}/p2p/handshake`, { ...fake.hello(), challenge: 'ab'.repeat(32) });
    assert.equal(again.status, 403);
    assert.equal(again.body.error, 'P2P_DISCOURAGED');
    await assert.rejects(fake.connect(node.url), { code: 'P2P_DISCOURAGED' });
    const inv = await call(`${node.url}/p2p/inv`, { posts: [] }, sessionHeader(sessions.get(fake)!));
    assert.equal(inv.status, 401, 'its session ended with the disconnection');
    assert.equal((await status(node.url)).tip, honestTip, 'the honest tip is unchanged');
  }

  /** Starts a fake, handshakes (claiming `chainwork`), optionally announces; expects `code`. */
  async function scenario(
    code: string,
    routes: FakeRoutes,
    options: { chainwork?: string; announce?: { posts?: string[]; blocks?: string[] } } = {},
  ) {
    const fake = await startFakePeer({ '/p2p/addr': () => ({ peers: [] }), ...routes });
    fakes.push(fake);
    const session = await fake.connect(node.url, options.chainwork);
    sessions.set(fake, session);
    if (options.announce) {
      const sent = await call(`${node.url}/p2p/inv`, options.announce, sessionHeader(session));
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
    }
    await expectDiscouraged(fake, code);
  }

  it('block with a bad proof of work: BLOCK_BAD_POW', async () => {
    const bad = blockOnGenesis([], EMPTY_MERKLE_ROOT, { failPow: true });
    await scenario(
      'BLOCK_BAD_POW',
      { '/p2p/blocks': () => ({ blocks: [bad] }) },
      { announce: { blocks: [bad.hash] } },
    );
  });

  it('block with a bad merkle root: BLOCK_BAD_MERKLE_ROOT', async () => {
    const bad = blockOnGenesis([makePost()], EMPTY_MERKLE_ROOT);
    await scenario(
      'BLOCK_BAD_MERKLE_ROOT',
      { '/p2p/blocks': () => ({ blocks: [bad] }) },
      { announce: { blocks: [bad.hash] } },
    );
  });

  it('block carrying a post with a bad signature: POST_BAD_SIGNATURE', async () => {
    const post = forgedPost();
    const bad = blockOnGenesis([post], merkleRoot([idOf(post)]));
    await scenario(
      'POST_BAD_SIGNATURE',
      { '/p2p/blocks': () => ({ blocks: [bad] }) },
      { announce: { blocks: [bad.hash] } },
    );
  });

  it('a gossiped post with a bad signature: POST_BAD_SIGNATURE, and it is not pending', async () => {
    const post = forgedPost();
    await scenario(
      'POST_BAD_SIGNATURE',
      { '/p2p/posts': () => ({ posts: [post] }) },
      { announce: { posts: [idOf(post)] } },
    );
    assert.deepEqual((await call(`${node.url}/pending_tx`)).body, []);
  });

  it('a synced block carrying a post with a bad signature: POST_BAD_SIGNATURE, the block before it kept', async () => {
    // Two blocks on the genesis: the first valid, the second with a forged post. Their headers
    // are valid, so the node syncs them (headers first), checks the bodies ahead of the chain,
    // verifies the signatures on its workers, and connects them in order.
    const first = blockOnGenesis([], EMPTY_MERKLE_ROOT, { timestamp: REGTEST.genesis.timestamp + 61 });
    const post = forgedPost();
    const second = blockOnGenesis([post], merkleRoot([idOf(post)]), {
      previous: first.hash,
      index: 2,
      timestamp: first.timestamp + 60,
    });
    const work = blockWork(decodeBits(REGTEST.powLimitBits)!);
    await scenario(
      'POST_BAD_SIGNATURE',
      {
        '/p2p/headers': () => ({ headers: [wire(first), wire(second)] }),
        '/p2p/blocks': (body) => {
          const asked = (body as { hashes: string[] }).hashes;
          return { blocks: [first, second].filter((block) => asked.includes(block.hash)) };
        },
      },
      { chainwork: (work * 3n).toString(16) },
    );
    assert.ok(fakes.at(-1)!.requests.includes('/p2p/headers'), 'reached through headers-first sync');
    const kept = await call(`${node.url}/api/v1/blocks/${first.hash}`);
    assert.equal(kept.status, 200, 'the valid block before the bad one was connected first');
    assert.equal((await call(`${node.url}/api/v1/blocks/${second.hash}`)).status, 404);
  });

  it('headers with a bad proof of work: BLOCK_BAD_POW, no body requested', async () => {
    const bad = blockOnGenesis([], EMPTY_MERKLE_ROOT, { failPow: true });
    const fake = await scenarioFake('BLOCK_BAD_POW', { '/p2p/headers': () => ({ headers: [wire(bad)] }) });
    assert.ok(!fake.requests.includes('/p2p/blocks'), 'no body is downloaded for an invalid header');
  });

  it('headers that do not link: P2P_HEADERS_NOT_LINKED', async () => {
    const first = blockOnGenesis([], EMPTY_MERKLE_ROOT);
    const stray = blockOnGenesis([], EMPTY_MERKLE_ROOT, {
      previous: 'ab'.repeat(32),
      index: 2,
      timestamp: first.timestamp + 60,
    });
    await scenarioFake('P2P_HEADERS_NOT_LINKED', {
      '/p2p/headers': () => ({ headers: [wire(first), wire(stray)] }),
    });
  });

  it('a lighter chain claimed heavier: P2P_LIGHTER_THAN_CLAIMED', async () => {
    const one = blockOnGenesis([], EMPTY_MERKLE_ROOT);
    await scenarioFake('P2P_LIGHTER_THAN_CLAIMED', { '/p2p/headers': () => ({ headers: [wire(one)] }) });
  });

  it('an oversized answer: P2P_TOO_LARGE', async () => {
    const huge = { raw: `{"headers":[],"pad":"${'x'.repeat(2 * 1024 * 1024)}"}` };
    await scenarioFake('P2P_TOO_LARGE', { '/p2p/headers': () => huge });
  });

  /** Header scenarios: the fake claims more work than the node, so the node syncs from it. */
  async function scenarioFake(code: string, routes: FakeRoutes): Promise<FakePeer> {
    await scenario(code, routes, { chainwork: HEAVY });
    return fakes.at(-1)!;
  }
});
