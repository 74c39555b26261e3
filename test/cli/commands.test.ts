import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { validatePost } from '#core/post.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { type NodeProcess, startNodeProcess, tempDataDir } from '../helpers/process.ts';

const BIN = new URL('../../bin/yournet.mjs', import.meta.url).pathname;
const run = promisify(execFile);

/** Runs the built CLI; resolves with its exit code and output instead of throwing. */
async function yournet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('yournet keygen, post, mine and verify against a node process', () => {
  const work = tempDataDir('yournet-cli-');
  const keyFile = join(work, 'key.json');
  let proc: NodeProcess;
  before(async () => {
    proc = await startNodeProcess();
  });
  after(async () => {
    await proc.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(proc.dataDir, { recursive: true, force: true });
  });

  it('keygen writes a private key file and never prints the private key unasked', async () => {
    const result = await yournet('keygen', '--out', keyFile);
    assert.equal(result.code, 0, result.stderr);
    const key = JSON.parse(readFileSync(keyFile, 'utf8'));
    assert.equal(key.type, 'yournet-ed25519');
    assert.match(key.public_key, /^[0-9a-f]{64}$/);
    assert.ok(!result.stdout.includes(key.private_key), 'the private key was printed');
    assert.ok(result.stdout.includes(key.public_key));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);

    const again = await yournet('keygen', '--out', keyFile);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; use --force/);
    assert.deepEqual(JSON.parse(readFileSync(keyFile, 'utf8')), key, 'the key file is unchanged');
  });

  it('post signs and submits; mine mines it; the node serves it signed', async () => {
    const posted = await yournet(
      'post',
      '--node',
      proc.url,
      '--key',
      keyFile,
      '--author',
      'cli',
      'signed from the CLI',
    );
    assert.equal(posted.code, 0, posted.stderr);
    const { id, status } = JSON.parse(posted.stdout);
    assert.equal(status, 'pending');

    const mined = await yournet('mine', '--node', proc.url);
    assert.equal(mined.code, 0, mined.stderr);
    assert.equal(JSON.parse(mined.stdout).height, 1);

    const view = (await (await fetch(`${proc.url}/api/v1/posts/${id}`)).json()) as {
      status: string;
      post: { author: string; content: string; pubkey: string; signature: string; timestamp: number };
    };
    assert.equal(view.status, 'confirmed');
    assert.equal(view.post.content, 'signed from the CLI');
    assert.equal(view.post.pubkey, JSON.parse(readFileSync(keyFile, 'utf8')).public_key);
    assert.ok(validatePost(view.post, nodeCrypto).ok, 'the served post carries a valid signature');
  });

  it('a refused post or an unreachable node is a clear error with exit code 1', async () => {
    const refused = await yournet(
      'post',
      '--node',
      proc.url,
      '--key',
      keyFile,
      '--author',
      'x\u0007y',
      'text',
    );
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /400 POST_BAD_AUTHOR/);
    const unreachable = await yournet('mine', '--node', 'http://127.0.0.1:1');
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /cannot reach http:\/\/127\.0\.0\.1:1/);
  });

  it('verify re-validates the data directory and reports the first bad block', async () => {
    assert.equal(await proc.stop(), 0, 'the node exits cleanly on SIGTERM');
    const good = await yournet('verify', '--data', proc.dataDir);
    assert.equal(good.code, 0, good.stderr);
    const report = JSON.parse(good.stdout);
    assert.equal(report.network, 'regtest');
    assert.equal(report.height, 1);
    assert.equal(report.firstBad, undefined);

    // Corrupt the stored post behind the node's back: verify must find the block.
    const db = new Database(join(proc.dataDir, 'yournet.sqlite'));
    db.prepare("UPDATE posts SET content = 'rewritten history'").run();
    db.close();
    const bad = await yournet('verify', '--data', proc.dataDir);
    assert.equal(bad.code, 1);
    const badReport = JSON.parse(bad.stdout);
    assert.equal(badReport.firstBad.height, 1);
    assert.match(badReport.firstBad.code, /^(BLOCK_BAD_MERKLE_ROOT|POST_BAD_SIGNATURE)$/);
  });
});
