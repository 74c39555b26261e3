import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { type NodeProcess, startNodeProcess, tempDataDir } from '../helpers/process.ts';

/**
 * Bitcoin Core-style crash test: concurrent clients post to a real node process, the node is
 * killed with SIGKILL mid-stream, restarted on the same data, and every post that was answered
 * 2xx must be there (pending or confirmed).
 */
describe('crash safety', () => {
  const dataDir = tempDataDir('yournet-crash-');
  const processes: NodeProcess[] = [];
  after(async () => {
    for (const proc of processes) await proc.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged post across kill -9', async () => {
    const first = await startNodeProcess({ dataDir });
    processes.push(first);
    const acknowledged: string[] = [];
    const clients = 8;
    const deadline = Date.now() + 20_000;
    let stop = false;
    const client = async (n: number) => {
      for (let i = 0; !stop && i < 2000 && Date.now() < deadline; i++) {
        const content = `client ${n} post ${i}`;
        try {
          const response = await fetch(`${first.url}/new_transaction`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ author: `client${n}`, content }),
            signal: AbortSignal.timeout(5000),
          });
          if (response.status === 201) acknowledged.push(content);
          else await response.text();
        } catch {
          return; // the node is gone
        }
      }
    };
    const running = Array.from({ length: clients }, (_, n) => client(n));
    // Counts, not sleeps: on a loaded machine 600 ms may see only a few answers.
    const acknowledgedAtLeast = async (count: number) => {
      while (acknowledged.length < count && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    // Let the clients get going, mine once in the middle, then kill the node mid-stream.
    await acknowledgedAtLeast(40);
    await fetch(`${first.url}/mine`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());
    await acknowledgedAtLeast(acknowledged.length + 40);
    await first.kill();
    stop = true;
    await Promise.all(running);
    assert.ok(acknowledged.length > 50, `only ${acknowledged.length} posts were acknowledged`);

    const second = await startNodeProcess({ dataDir });
    processes.push(second);
    const chain = (await (await fetch(`${second.url}/chain`)).json()) as {
      chain: { transactions: { content: string }[] }[];
    };
    const pending = (await (await fetch(`${second.url}/pending_tx`)).json()) as { content: string }[];
    const found = new Set<string>();
    for (const block of chain.chain) for (const post of block.transactions) found.add(post.content);
    for (const post of pending) found.add(post.content);
    const lost = acknowledged.filter((content) => !found.has(content));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged posts were lost`);
    assert.ok(chain.chain.length >= 2, 'the block mined before the crash survived');
    await second.stop();
  });
});
