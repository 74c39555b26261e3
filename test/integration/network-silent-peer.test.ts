import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { call, postAndMine, registerWith, status, waitForSameTip } from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/** A peer that accepts connections and never answers delays nothing: sync, mining and the API go on. */
describe('a silent peer', () => {
  let silent: Server;
  let silentUrl: string;
  const sockets: Socket[] = [];
  const nodes: NodeProcess[] = [];

  before(async () => {
    silent = createServer((socket) => {
      sockets.push(socket); // hold it open, read nothing back, answer nothing
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  });
  after(async () => {
    for (const node of nodes) {
      await node.stop();
      rmSync(node.dataDir, { recursive: true, force: true });
    }
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('does not stall sync, mining or the API of a node configured with it', async () => {
    const honest = await startNodeProcess();
    nodes.push(honest);
    for (let i = 0; i < 3; i++) await postAndMine(honest.url, `honest ${i}`);
    const node = await startNodeProcess({ args: ['--peer', silentUrl, '--peer', honest.url] });
    nodes.push(node);

    const started = Date.now();
    const answer = await call(`${node.url}/api/v1/status`);
    assert.equal(answer.status, 200);
    assert.ok(Date.now() - started < 4000, 'the API answers while the silent peer hangs');

    await waitForSameTip([honest.url, node.url], 30_000);
    assert.equal((await status(node.url)).height, 3);
    assert.equal(await postAndMine(node.url, 'mined next to a silent peer'), 4);
    await waitForSameTip([honest.url, node.url], 30_000);

    // Registering with the silent peer fails with a timeout instead of hanging.
    const refused = await registerWith(node.url, silentUrl);
    assert.equal(refused.status, 502);
    assert.equal(refused.body.error, 'P2P_TIMEOUT');
  });
});
