import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { postAndMine, status, waitForSameTip } from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/** A node that was down catches up by itself: stored peers are reconnected and synced headers-first. */
describe('catch-up after being offline', () => {
  const running: NodeProcess[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const node of running) await node.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a restarted node reaches the tip mined while it was down, without --peer and without help', async () => {
    const a = await startNodeProcess();
    running.push(a);
    dirs.push(a.dataDir);
    const b = await startNodeProcess({ args: ['--peer', a.url] });
    running.push(b);
    dirs.push(b.dataDir);
    await postAndMine(a.url, 'before the outage');
    await waitForSameTip([a.url, b.url]);

    assert.equal(await b.stop(), 0);
    running.splice(running.indexOf(b), 1);
    for (let i = 0; i < 4; i++) await postAndMine(a.url, `during the outage ${i}`);
    const tip = (await status(a.url)).tip;

    // Same data directory, no --peer: the stored peer is reconnected at start.
    const again = await startNodeProcess({ dataDir: b.dataDir });
    running.push(again);
    await waitForSameTip([a.url, again.url], 40_000, tip);
    assert.equal((await status(again.url)).height, 5);
    assert.match(again.output(), /sync: done at height 5/);
  });
});
