import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makePost } from '../helpers/chain.ts';
import { Rng } from '../helpers/fuzz.ts';
import { confirmedContents, pendingContents } from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess, tempDataDir } from '../helpers/process.ts';

const CYCLES = 10;
const CLIENTS = 4;
/** A fixed seed for the kill moments, so a failure replays with the same timing plan. */
const SEED = Number(process.env.CRASH_SEED ?? 7);

/**
 * The crash test (crash.test.ts) in a loop, as in Bitcoin Core's feature_dbcrash: the same data
 * directory goes through many kill -9s, each at a random moment while clients post (signed and
 * unsigned) and the node mines; after the last restart every post ever answered 2xx is pending
 * or confirmed.
 */
describe('crash loop', () => {
  const dataDir = tempDataDir('yournet-crash-loop-');
  const processes: NodeProcess[] = [];
  after(async () => {
    for (const proc of processes) await proc.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged post across ${CYCLES} kill -9 cycles under load`, {
    timeout: 150_000,
  }, async () => {
    const rng = new Rng(SEED);
    const acknowledged: string[] = [];
    const started = Date.now();
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const node = await startNodeProcess({ dataDir });
      processes.push(node);
      let stop = false;
      const client = async (n: number) => {
        for (let i = 0; !stop && i < 500; i++) {
          const content = `cycle ${cycle} client ${n} post ${i}`;
          // Half the clients sign (POST /api/v1/posts), half use the tutorial's unsigned route.
          const signed = n % 2 === 0;
          try {
            const response = await fetch(`${node.url}${signed ? '/api/v1/posts' : '/new_transaction'}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(signed ? makePost(content) : { author: `client${n}`, content }),
              signal: AbortSignal.timeout(5000),
            });
            const text = await response.text();
            if (response.status >= 200 && response.status < 300) acknowledged.push(content);
            else if (response.status === 429 || response.status === 503)
              await sleep(100); // busy: retry later
            else throw new Error(`post refused ${response.status}: ${text}`);
          } catch (error) {
            if (error instanceof Error && error.message.startsWith('post refused')) throw error;
            return; // the node is gone
          }
        }
      };
      const miner = async () => {
        for (let i = 0; !stop && i < 50; i++) {
          try {
            await fetch(`${node.url}/mine`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text());
          } catch {
            return;
          }
          await sleep(50);
        }
      };
      const running = [...Array.from({ length: CLIENTS }, (_, n) => client(n)), miner()];
      await sleep(150 + rng.int(700)); // a random moment: mid-post, mid-mine or mid-commit
      await node.kill();
      stop = true;
      await Promise.all(running);
    }
    const last = await startNodeProcess({ dataDir });
    processes.push(last);
    const confirmed = await confirmedContents(last.url);
    const found = new Set([...confirmed, ...(await pendingContents(last.url))]);
    const lost = acknowledged.filter((content) => !found.has(content));
    console.log(
      `crash loop: ${CYCLES} kills in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
        `${acknowledged.length} acknowledged posts (${confirmed.length} posts confirmed), ${lost.length} lost`,
    );
    assert.ok(acknowledged.length >= CYCLES * 10, `only ${acknowledged.length} posts were acknowledged`);
    assert.ok(confirmed.length > 0, 'blocks mined between the kills survived');
    assert.deepEqual(
      lost.slice(0, 20),
      [],
      `${lost.length} of ${acknowledged.length} acknowledged posts were lost`,
    );
    await last.stop();
  });
});
