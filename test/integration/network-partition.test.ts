import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  confirmedContents,
  pendingContents,
  postAndMine,
  registerWith,
  status,
  waitForSameTip,
} from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/** Two groups mine competing branches; reconnected, all end on the branch with more work. */
describe('partition and heal', () => {
  const nodes: NodeProcess[] = [];
  before(async () => {
    const a = await startNodeProcess();
    nodes.push(a);
    nodes.push(await startNodeProcess({ args: ['--peer', a.url] }));
    const c = await startNodeProcess();
    nodes.push(c);
    nodes.push(await startNodeProcess({ args: ['--peer', c.url] }));
  });
  after(async () => {
    for (const node of nodes) {
      await node.stop();
      rmSync(node.dataDir, { recursive: true, force: true });
    }
  });

  it('every node ends on the heavier branch; the losing posts are pending again or confirmed', async () => {
    const [a, b, c, d] = nodes.map((node) => node.url) as [string, string, string, string];
    // Group 1 (a, b) mines 2 blocks; group 2 (c, d) mines 3: more work on regtest's fixed target.
    // Each node sees its group's last block before mining the next: a block mined at the same
    // height before the other arrives would be an equal-work fork (first seen wins), not a test of this.
    const mineIn = async (url: string, group: string[], text: string) => {
      await postAndMine(url, text);
      return waitForSameTip(group);
    };
    await mineIn(a, [a, b], 'group one: first');
    await mineIn(b, [a, b], 'group one: second');
    await mineIn(c, [c, d], 'group two: first');
    await mineIn(d, [c, d], 'group two: second');
    const winner = await mineIn(c, [c, d], 'group two: third');
    assert.notEqual((await status(a)).tip, winner);

    const healed = await registerWith(b, c);
    assert.equal(healed.status, 200);
    try {
      await waitForSameTip([a, b, c, d], 40_000, winner);
    } catch (error) {
      // What each node said about peers and sync, to diagnose a failure.
      for (const node of nodes) {
        const lines = node
          .output()
          .split('\n')
          .filter((line) => /peer|sync|misbehav|warn/.test(line));
        console.error(`--- ${node.url}\n${lines.slice(-30).join('\n')}`);
      }
      throw error;
    }
    for (const url of [a, b, c, d]) {
      assert.equal((await status(url)).height, 3);
      const confirmed = await confirmedContents(url);
      for (const text of ['group two: first', 'group two: second', 'group two: third']) {
        assert.ok(confirmed.includes(text), `${url} confirms "${text}"`);
      }
      for (const text of ['group one: first', 'group one: second']) {
        assert.ok(!confirmed.includes(text), `${url} no longer confirms "${text}"`);
      }
    }
    for (const url of [a, b]) {
      const pending = await pendingContents(url);
      for (const text of ['group one: first', 'group one: second']) {
        assert.ok(pending.includes(text), `${url}: "${text}" of the losing branch is pending again`);
      }
    }
  });
});
