import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

const POSTS = 1_200;
const CONTENT_BYTES = 9_000;
const CLIENTS = 4;
const LOOP_MS = 2_000;
const STATUS_REQUESTS = 50;

/**
 * Milliseconds of each of `count` GETs of `url`, made by one curl process at `perSecond`: the
 * node's latency, not this process's event loop (which the looping /chain clients keep busy).
 */
function curlTimes(url: string, count: number, perSecond: number): Promise<number[]> {
  const args = ['-s', '--max-time', '30', '--rate', `${perSecond}/s`, '-w', '%{time_total}\\n'];
  for (let i = 0; i < count; i++) args.push('-o', '/dev/null', url);
  return new Promise((resolve, reject) => {
    execFile('curl', args, (error, stdout) =>
      error
        ? reject(error)
        : resolve(
            stdout
              .trim()
              .split('\n')
              .map((line) => Number(line) * 1000),
          ),
    );
  });
}

/** Posts `POSTS` large posts from 8 concurrent clients; throws on any refusal. */
async function fill(url: string): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < POSTS) {
      const i = next++;
      const response = await fetch(`${url}/new_transaction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ author: `load${i % 16}`, content: `${i} ${'x'.repeat(CONTENT_BYTES)}` }),
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(response.status, 201, await response.text());
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
}

describe('a node under /chain load, behind a proxy (issue 9, findings 8 and 10)', () => {
  let proc: NodeProcess;
  before(async () => {
    // Budgets ×100: this measures the cost of /chain, not the limiter refusing it.
    proc = await startNodeProcess({ args: ['--trust-proxy', '--rate-limit-scale', '100'] });
  });
  after(async () => {
    await proc.stop();
    rmSync(proc.dataDir, { recursive: true, force: true });
  });

  it('never logs the admin token, and says where it is', () => {
    const token = readFileSync(join(proc.dataDir, 'admin-token'), 'utf8').trim();
    assert.ok(token.length >= 16);
    assert.ok(!proc.output().includes(token), 'the token is in the log');
    assert.match(proc.output(), /admin-token/);
  });

  it(`4 clients looping on a ${Math.round((POSTS * CONTENT_BYTES) / 1e6)} MB /chain leave /api/v1/status fast`, async () => {
    await fill(proc.url);
    for (let i = 0; i < 10; i++) {
      // Behind a proxy loopback is nobody: the operator mines with the token.
      const mined = await fetch(`${proc.url}/mine`, {
        headers: {
          authorization: `Bearer ${readFileSync(join(proc.dataDir, 'admin-token'), 'utf8').trim()}`,
        },
        signal: AbortSignal.timeout(20_000),
      });
      const text = await mined.text();
      if (text === 'No transactions to mine') break;
      assert.equal(mined.status, 200, text);
    }
    const chain = (await (await fetch(`${proc.url}/chain`)).json()) as { length: number };
    assert.ok(chain.length >= 3, `${chain.length} blocks`);

    let looping = true;
    let chainAnswers = 0;
    const loop = async () => {
      while (looping) {
        const response = await fetch(`${proc.url}/chain`, { signal: AbortSignal.timeout(30_000) });
        assert.equal(response.status, 200);
        await response.arrayBuffer();
        chainAnswers++;
      }
    };
    const loops = Array.from({ length: CLIENTS }, loop);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // 50 status requests spread over the 2 s the clients loop.
    const times = await curlTimes(
      `${proc.url}/api/v1/status`,
      STATUS_REQUESTS,
      STATUS_REQUESTS / (LOOP_MS / 1000),
    );
    looping = false;
    await Promise.all(loops);
    times.sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)]!;
    assert.equal(times.length, STATUS_REQUESTS);
    assert.ok(chainAnswers >= CLIENTS, `${chainAnswers} /chain answers`);
    assert.ok(
      times.at(-1)! < 500,
      `slowest status ${times.at(-1)!.toFixed(0)} ms (p50 ${p50.toFixed(0)} ms)`,
    );
  });
});
