import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { postAndMine, status, waitFor, waitForSameTip } from '../helpers/network.ts';
import { tempDataDir } from '../helpers/process.ts';

const BIN = new URL('../../bin/yournet.mjs', import.meta.url).pathname;

/** Two consecutive free loopback ports (checked by listening on them). */
async function freePorts(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await Promise.all(
      [base, base + 1].map(
        (port) =>
          new Promise<boolean>((resolve) => {
            const server = createServer();
            server.once('error', () => resolve(false));
            server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free ports');
}

describe('yournet devnet', () => {
  let child: ChildProcess | undefined;
  const data = tempDataDir('yournet-devnet-');
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(data, { recursive: true, force: true });
  });

  it('starts connected nodes on consecutive ports, prints their URLs, and stops them all on SIGINT', async () => {
    const base = await freePorts();
    child = spawn(
      process.execPath,
      [BIN, 'devnet', '--nodes', '2', '--base-port', String(base), '--data', data],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const urls = [`http://127.0.0.1:${base}`, `http://127.0.0.1:${base + 1}`];
    await waitFor('the devnet to print its URLs', async () => urls.every((url) => output.includes(url)));
    await waitFor('both nodes to be connected', async () =>
      (await status(urls[0]!)).peers.includes(urls[1]!),
    );
    await postAndMine(urls[1]!, 'devnet post');
    await waitForSameTip(urls);
    child.kill('SIGINT');
    assert.equal(await exited, 0, output);
    assert.match(output, new RegExp(`\\[${base + 1}\\] exited`));
  });
});
