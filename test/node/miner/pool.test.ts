import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { type BlockHeader, headerHash } from '#core/header.ts';
import { REGTEST } from '#core/params.ts';
import { meetsTarget } from '#core/pow.ts';
import { type MinedHeader, MinerPool, poolWorkers } from '#node/miner/pool.ts';

const TEMPLATE: BlockHeader = {
  version: 1,
  index: 1,
  previous_hash: REGTEST.genesisHash,
  merkle_root: REGTEST.genesis.merkle_root,
  timestamp: REGTEST.genesis.timestamp + 60,
  bits: REGTEST.powLimitBits,
  nonce: 12345,
};
const EASY = { header: TEMPLATE, target: REGTEST.powLimit };
/** No hash will meet it: for jobs that must run until cancelled. */
const IMPOSSIBLE = { header: TEMPLATE, target: 1n };

async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function assertMined(result: MinedHeader | undefined, target: bigint): MinedHeader {
  assert.ok(result, 'expected a mined header');
  assert.equal(result.hash, headerHash(result.header));
  assert.ok(meetsTarget(result.hash, target));
  assert.ok(Number.isSafeInteger(result.header.nonce));
  assert.ok(result.hashes >= 1);
  return result;
}

describe('MinerPool', () => {
  let pool: MinerPool;
  before(() => {
    pool = new MinerPool({ workers: 2 });
  });
  after(() => pool.close());

  it('mines a regtest block template', async () => {
    assert.equal(pool.workerCount, 2);
    // A Block (with posts and a stale hash) is accepted as a template; only header fields come back.
    const result = assertMined(
      await pool.mine({ header: REGTEST.genesis, target: REGTEST.powLimit }),
      REGTEST.powLimit,
    );
    assert.deepEqual(Object.keys(result.header).sort(), Object.keys(TEMPLATE).sort());
    assert.equal(result.header.timestamp, REGTEST.genesis.timestamp);
    assert.equal(pool.busy, false);
  });

  it('mines at a moderate target (~200k hashes) and reports a hash rate while mining', async () => {
    const target = (1n << 256n) / 200_000n;
    let maxRate = 0;
    const sampler = setInterval(() => {
      maxRate = Math.max(maxRate, pool.hashRate());
    }, 2);
    try {
      const result = assertMined(await pool.mine({ header: TEMPLATE, target }), target);
      assert.deepEqual({ ...result.header, nonce: 0, timestamp: 0 }, { ...TEMPLATE, nonce: 0, timestamp: 0 });
      assert.ok(result.hashes > 1000, `hashes ${result.hashes}`);
    } finally {
      clearInterval(sampler);
    }
    assert.ok(maxRate > 0, 'hashRate() was never positive while mining');
    assert.equal(pool.hashRate(), 0);
  });

  it('resolves undefined soon after an abort, and the workers stop hashing', async () => {
    const controller = new AbortController();
    const mining = pool.mine(IMPOSSIBLE, controller.signal);
    await sleep(300);
    assert.ok(pool.busy);
    assert.ok(pool.hashRate() > 0);
    const t0 = performance.now();
    controller.abort();
    assert.equal(await mining, undefined);
    assert.ok(performance.now() - t0 < 50);
    assert.equal(pool.busy, false);
    assert.equal(pool.hashRate(), 0);
    await sleep(60);
    const stopped = pool.totalHashes;
    await sleep(200);
    assert.equal(pool.totalHashes, stopped, 'workers kept hashing after the abort');
  });

  it('resolves undefined at once for an already aborted signal', async () => {
    assert.equal(await pool.mine(EASY, AbortSignal.abort()), undefined);
    assert.equal(pool.busy, false);
  });

  it('a new job cancels the previous one', async () => {
    const first = pool.mine(IMPOSSIBLE);
    await sleep(50);
    const second = pool.mine(EASY);
    assert.equal(await first, undefined);
    assertMined(await second, EASY.target);
  });

  it('rejects an invalid job without disturbing the pool', async () => {
    await assert.rejects(pool.mine({ header: { ...TEMPLATE, previous_hash: 'xyz' }, target: 1n }), TypeError);
    await assert.rejects(pool.mine({ header: TEMPLATE, target: 1n << 256n }), RangeError);
    assertMined(await pool.mine(EASY), EASY.target);
  });

  it('rejects a solution from a worker that does not meet the target', async () => {
    const mining = pool.mine(IMPOSSIBLE);
    const generation = pool['active']!.generation;
    // Pretend worker 0 has a bug: the pool must re-check and refuse.
    poolWorkers(pool)[0]!.emit('message', {
      type: 'found',
      generation,
      nonce: 7,
      timestamp: TEMPLATE.timestamp,
    });
    await assert.rejects(mining, /does not meet the target/);
    assert.equal(pool.busy, false);
  });

  it('keeps the main event loop responsive while mining', async () => {
    const controller = new AbortController();
    const mining = pool.mine(IMPOSSIBLE, controller.signal);
    const lags: number[] = [];
    let last = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        lags.push(now - last - 10);
        last = now;
        if (lags.length === 100) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    controller.abort();
    await mining;
    const maxLag = Math.max(...lags);
    const meanInterval = 10 + lags.reduce((a, b) => a + b, 0) / lags.length;
    assert.ok(maxLag < 100, `max event-loop lag ${maxLag.toFixed(1)} ms`);
    assert.ok(meanInterval < 15, `10 ms ticks arrived every ${meanInterval.toFixed(1)} ms on average`);
  });
});

describe('MinerPool worker failures', () => {
  it('survives an uncaught error in a worker and restarts it', async () => {
    const pool = new MinerPool({ workers: 1 });
    try {
      assertMined(await pool.mine(EASY), EASY.target);
      const crashed = poolWorkers(pool)[0]!;
      const exited = new Promise((resolve) => crashed.once('exit', resolve));
      crashed.postMessage({ type: 'crash', message: 'injected crash' });
      assert.equal(await exited, 1);
      const replacement = poolWorkers(pool)[0];
      assert.ok(replacement && replacement !== crashed, 'the worker was not restarted');
      assertMined(await pool.mine(EASY), EASY.target);
    } finally {
      await pool.close();
    }
  });

  it('a job continues on the restarted worker; too many crashes reject mine()', async () => {
    const pool = new MinerPool({ workers: 1 });
    try {
      const mining = pool.mine(IMPOSSIBLE);
      const outcome = mining.then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      let killed: Worker | undefined;
      for (let crash = 1; crash <= 4; crash++) {
        // Wait until the current worker is hashing the job, then kill it.
        const before = pool.totalHashes;
        await waitFor(() => pool.totalHashes > before, `worker hashing after ${crash - 1} crashes`);
        assert.ok(pool.busy);
        killed = poolWorkers(pool)[0]!;
        await killed.terminate();
      }
      assert.match(await outcome, /crashed 4 times/);
      assert.equal(pool.busy, false);
      // The pool itself still works afterwards.
      await waitFor(() => poolWorkers(pool)[0] !== undefined && poolWorkers(pool)[0] !== killed, 'restart');
      assertMined(await pool.mine(EASY), EASY.target);
    } finally {
      await pool.close();
    }
  });
});

describe('MinerPool shutdown', () => {
  it('close() stops a running job and lets the process exit', () => {
    const fixture = fileURLToPath(new URL('./fixtures/close-exits.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', fixture], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(child.signal, null, 'the process did not exit by itself after close()');
    assert.equal(child.stderr, '');
    assert.equal(child.status, 0);
    assert.equal(child.stdout.trim(), 'cancelled closed after-close');
  });

  it('mine() after close() resolves undefined', async () => {
    const pool = new MinerPool({ workers: 1 });
    await pool.close();
    assert.equal(await pool.mine(EASY), undefined);
    assert.deepEqual(poolWorkers(pool), [undefined]);
  });
});

// The compiled build starts dist/node/miner/worker.js instead of the tsx shim. `npm test` builds
// first; when dist is missing or older than the sources, this check is skipped.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const distPool = `${root}dist/node/miner/pool.js`;
const sourceDir = `${root}src/node/miner/`;
const distFresh =
  existsSync(distPool) &&
  readdirSync(sourceDir)
    .filter((name) => name.endsWith('.ts'))
    .every((name) => statSync(sourceDir + name).mtimeMs <= statSync(distPool).mtimeMs);

describe('MinerPool from the compiled build', {
  skip: distFresh ? false : 'dist is missing or stale',
}, () => {
  it('mines a regtest block with dist/node/miner/worker.js', () => {
    const script = `
      const { MinerPool } = await import(${JSON.stringify(distPool)});
      const { REGTEST } = await import(${JSON.stringify(`${root}dist/core/params.js`)});
      const pool = new MinerPool({ workers: 2 });
      const result = await pool.mine({ header: REGTEST.genesis, target: REGTEST.powLimit });
      await pool.close();
      console.log(JSON.stringify(result));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(child.stderr, '');
    assert.equal(child.status, 0);
    assertMined(JSON.parse(child.stdout) as MinedHeader, REGTEST.powLimit);
  });
});
