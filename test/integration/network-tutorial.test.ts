import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  call,
  confirmedContents,
  pendingContents,
  postAndMine,
  registerWith,
  status,
  waitFor,
  waitForSameTip,
} from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/** The tutorial's multi-node walkthrough, step for step, with real processes and the real curl. */
describe("the tutorial's three-node walkthrough", () => {
  const nodes: NodeProcess[] = [];
  let a: string;
  let b: string;
  let c: string;

  before(async () => {
    for (let i = 0; i < 3; i++) nodes.push(await startNodeProcess());
    [a, b, c] = nodes.map((node) => node.url) as [string, string, string];
  });
  after(async () => {
    for (const node of nodes) {
      await node.stop();
      rmSync(node.dataDir, { recursive: true, force: true });
    }
  });

  const curl = (...args: string[]) =>
    execFileSync('curl', ['-s', '-S', '--max-time', '40', '-w', '\n%{http_code}', ...args], {
      encoding: 'utf8',
    });

  it('registers 8001 and 8002 with 8000 by the curl commands; both sides learn each other', async () => {
    for (const url of [b, c]) {
      const answer = curl(
        '-X',
        'POST',
        `${url}/register_with`,
        '-H',
        'Content-Type: application/json',
        '-d',
        JSON.stringify({ node_address: a }),
      );
      assert.equal(answer, 'Registration successful\n200');
    }
    const peersOfA = (await call(`${a}/chain`)).body.peers as string[];
    assert.deepEqual([...peersOfA].sort(), [b, c].sort());
    assert.ok(
      ((await call(`${b}/chain`)).body.peers as string[]).includes(a),
      'the new node knows the node it registered with',
    );
  });

  it('a post sent to one node and mined on another appears in /chain of all three', async () => {
    const posted = curl(
      '-X',
      'POST',
      `${b}/new_transaction`,
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"author": "Satoshi", "content": "gossiped across three nodes"}',
    );
    assert.equal(posted, 'Success\n201');
    await waitFor('the post to reach the third node', async () =>
      (await pendingContents(c)).includes('gossiped across three nodes'),
    );
    assert.equal(curl(`${c}/mine`), 'Block #1 is mined.\n200');
    const tip = await waitForSameTip([a, b, c]);
    assert.equal((await status(a)).height, 1);
    for (const url of [a, b, c]) {
      const chain = (await call(`${url}/chain`)).body;
      assert.equal(chain.length, 2);
      assert.equal(chain.chain[1].hash, tip);
      assert.equal(chain.chain[1].transactions[0].content, 'gossiped across three nodes');
      assert.deepEqual(await pendingContents(url), [], `${url} mined nothing twice`);
    }
  });

  it('refuses to register a node with itself and with a node of another network', async () => {
    const self = await registerWith(a, a);
    assert.equal(self.status, 400);
    assert.equal(self.body.error, 'P2P_SELF');
    // A main-network node dials loopback addresses only when the operator allows private peers.
    const main = await startNodeProcess({ args: ['--network', 'main', '--allow-private-peers'] });
    nodes.push(main);
    const wrong = await registerWith(main.url, a);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'P2P_WRONG_NETWORK');
    // The remote's own words are never echoed (issue 9, finding 5): its code is.
    assert.match(wrong.body.message, /P2P_WRONG_NETWORK/);
    assert.doesNotMatch(wrong.body.message, /genesis/);
  });

  it('register_with never rolls a heavier node back to a lighter chain', async () => {
    const heavy = await startNodeProcess();
    nodes.push(heavy);
    for (let i = 0; i < 3; i++) await postAndMine(heavy.url, `heavy ${i}`);
    const before = await status(heavy.url);
    const answer = await registerWith(heavy.url, a);
    assert.equal(answer.status, 200);
    assert.equal((await status(heavy.url)).tip, before.tip, 'the lighter chain of 8000 was not adopted');
    // …and the lighter side adopts the heavier chain instead, which validates fully.
    await waitForSameTip([a, b, c, heavy.url], 40_000, before.tip);
    assert.ok((await confirmedContents(a)).includes('heavy 2'));
    assert.ok(
      (await pendingContents(a)).includes('gossiped across three nodes'),
      'the losing post is pending again',
    );
  });
});
