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
    await postAndMine(a, 'group one: first');
    await postAndMine(b, 'group one: second');
    await waitForSameTip([a, b]);
    await postAndMine(c, 'group two: first');
    await postAndMine(d, 'group two: second');
    await postAndMine(c, 'group two: third');
    const winner = await waitForSameTip([c, d]);
    assert.notEqual((await status(a)).tip, winner);

    const healed = await registerWith(b, c);
    assert.equal(healed.status, 200);
    await waitForSameTip([a, b, c, d], 40_000, winner);
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
