import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { call, status, waitFor } from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/** The sync interval both nodes run with, seconds. */
const SYNC_INTERVAL = 5;

/**
 * Mempool sync on (re)connect (issue 13): pending posts made while a peer was down reach it
 * when it comes back, without waiting for a block that confirms them.
 */
describe('mempool sync on reconnect between real nodes', () => {
  const running: NodeProcess[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const node of running) await node.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a post made on B while A is down is pending on A within one sync interval of A coming back', async () => {
    const t0 = Date.now();
    const mark = (what: string) => console.log(`${what}: ${Date.now() - t0} ms`);
    const args = ['--sync-interval', String(SYNC_INTERVAL)];
    const b = await startNodeProcess({ args });
    running.push(b);
    dirs.push(b.dataDir);
    const a = await startNodeProcess({ args: [...args, '--peer', b.url] });
    running.push(a);
    dirs.push(a.dataDir);
    await waitFor('A connected to B', async () => (await status(a.url)).peers.includes(b.url), 15_000);

    mark('connected');
    assert.equal(await a.stop(), 0);
    mark('A stopped');
    running.splice(running.indexOf(a), 1);
    const made = await call(`${b.url}/new_transaction`, { author: 'bob', content: 'made while A was down' });
    assert.equal(made.status, 201);
    const pendingOnB = await call(`${b.url}/api/v1/pending`);
    const id = pendingOnB.body.items?.[0]?.id as string | undefined;
    assert.ok(id !== undefined, JSON.stringify(pendingOnB.body));

    // Same data directory, no --peer: A dials its stored peer B at start.
    mark('posted');
    const again = await startNodeProcess({ dataDir: a.dataDir, args });
    mark('A listening');
    running.push(again);
    const back = Date.now();
    await waitFor(
      'the post pending on A',
      async () => (await call(`${again.url}/api/v1/posts/${id}`)).body?.status === 'pending',
      SYNC_INTERVAL * 1000,
      100,
    );
    console.log(`pending on A ${Date.now() - back} ms after it listened again`);
    const stats = (await call(`${again.url}/p2p/status`)).body.stats;
    assert.ok(stats.relay.pendingPostsAsked >= 1, 'it came by mempool sync');
  });
});
