import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NodeConfig, YourNetNode } from '#node/node.ts';

/** A real in-process regtest node on a free loopback port, with a temporary data directory. */
export async function startTestNode(
  overrides: Partial<NodeConfig> = {},
): Promise<{ node: YourNetNode; dataDir: string; close: () => Promise<void> }> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'yournet-node-'));
  const node = await YourNetNode.start({
    dataDir,
    network: 'regtest',
    host: '127.0.0.1',
    port: 0,
    mine: false,
    workers: 1,
    peers: [],
    acceptUnsigned: true,
    logLevel: 'silent',
    version: '0.0.0-test',
    ...overrides,
  });
  return {
    node,
    dataDir,
    close: async () => {
      await node.stop();
      if (overrides.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
