import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { call, postAndMine, status, waitFor } from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

const NODES = 12;
const MAX_INBOUND = 4;
const MAX_OUTBOUND = 2;

interface Counts {
  inbound: number;
  outbound: number;
  known: number;
}

const counts = async (url: string): Promise<Counts> => (await call(`${url}/p2p/status`)).body.counts;

/**
 * Issue 14: more nodes than one node has inbound slots, each bootstrapped from one random
 * earlier node (how people join from a list). A refusal still hands out addresses and every
 * node keeps dialling learned addresses, so every node ends connected and on the same tip.
 */
describe('every node finds the network (issue 14)', () => {
  const nodes: NodeProcess[] = [];
  after(async () => {
    for (const node of nodes) {
      await node.stop();
      rmSync(node.dataDir, { recursive: true, force: true });
    }
  });

  it(`${NODES} nodes, --max-inbound ${MAX_INBOUND} --max-outbound ${MAX_OUTBOUND}: all connected, one tip`, async () => {
    const started = Date.now();
    // A fixed sequence of "random" bootstrap choices keeps the run reproducible.
    let seed = 14;
    const pick = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    for (let i = 0; i < NODES; i++) {
      const bootstrap = i === 0 ? [] : ['--peer', nodes[pick(i)]!.url];
      nodes.push(
        await startNodeProcess({
          args: [
            ...bootstrap,
            '--max-inbound',
            String(MAX_INBOUND),
            '--max-outbound',
            String(MAX_OUTBOUND),
            '--sync-interval',
            '5',
          ],
        }),
      );
    }
    await waitFor(
      'every node connected within its slot limits',
      async () => {
        const all = await Promise.all(nodes.map((node) => counts(node.url)));
        for (const c of all) {
          assert.ok(c.inbound <= MAX_INBOUND && c.outbound <= MAX_OUTBOUND + 1, JSON.stringify(c));
        }
        return all.every((c) => c.inbound + c.outbound > 0);
      },
      30_000,
      500,
    );
    // One block mined on the last node reaches every node.
    const last = nodes.at(-1)!;
    await postAndMine(last.url, 'issue 14');
    const tip = (await status(last.url)).tip;
    await waitFor(
      'every node on the same tip',
      async () => (await Promise.all(nodes.map((node) => status(node.url)))).every((s) => s.tip === tip),
      30_000,
      500,
    );
    const seconds = (Date.now() - started) / 1000;
    // Each phase is bounded above (30 s each); the total is reported, not asserted: it is mostly
    // the machine's speed at starting 12 processes one after another.
    console.log(`# ${NODES} nodes converged in ${seconds.toFixed(1)} s (start to common tip)`);
  });
});
