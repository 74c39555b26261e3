import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/** The tutorial's own curl commands, run with the real curl against a real node process. */
describe("the tutorial's curl commands against a node process", () => {
  let proc: NodeProcess;
  before(async () => {
    proc = await startNodeProcess();
  });
  after(async () => {
    const code = await proc.stop();
    rmSync(proc.dataDir, { recursive: true, force: true });
    assert.equal(code, 0, 'SIGTERM shuts the node down cleanly');
  });

  const curl = (...args: string[]) =>
    execFileSync('curl', ['-s', '-S', '--max-time', '30', '-w', '\n%{http_code}', ...args], {
      encoding: 'utf8',
    });

  it('posts, mines and reads the chain', () => {
    const posted = curl(
      '-X',
      'POST',
      `${proc.url}/new_transaction`,
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"author": "Satoshi", "content": "Some thoughts about decentralization"}',
    );
    assert.equal(posted, 'Success\n201');
    assert.equal(curl(`${proc.url}/mine`), 'Block #1 is mined.\n200');
    const [body, status] = curl(`${proc.url}/chain`).split('\n');
    assert.equal(status, '200');
    const chain = JSON.parse(body!);
    assert.equal(chain.length, 2);
    assert.equal(chain.chain[1].transactions[0].author, 'Satoshi');
    assert.equal(chain.chain[1].transactions[0].content, 'Some thoughts about decentralization');
  });

  it('answers the status and the OpenAPI description', async () => {
    const status = (await (await fetch(`${proc.url}/api/v1/status`)).json()) as {
      network: string;
      height: number;
    };
    assert.equal(status.network, 'regtest');
    assert.equal(status.height, 1);
    const docs = (await (await fetch(`${proc.url}/api/docs`)).json()) as { openapi: string; paths: object };
    assert.equal(docs.openapi, '3.0.3');
    assert.ok('/new_transaction' in docs.paths && '/api/v1/posts' in docs.paths);
  });
});
