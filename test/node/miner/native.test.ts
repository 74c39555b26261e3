import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { grindNonce, NONCE_LIMIT } from '#core/grind.ts';
import { type BlockHeader, encodeHeader, headerHash } from '#core/header.ts';
import { REGTEST } from '#core/params.ts';
import { meetsTarget } from '#core/pow.ts';
import {
  DEFAULT_ADDON_PATH,
  loadNativeMiner,
  NATIVE_PATH_ENV,
  type NativeMiner,
  type NativeModule,
  targetBytes,
} from '#node/miner/native.ts';
import { MinerPool, poolWorkers } from '#node/miner/pool.ts';
import { searchNonces } from '#node/miner/search.ts';

/** Whether this CPU has SHA extensions: then the addon must build, load and pass its check. */
function cpuHasSha(): boolean {
  if (process.platform !== 'linux' || !existsSync('/proc/cpuinfo')) return false;
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  return process.arch === 'arm64'
    ? /^Features\s*:.*\bsha2\b/m.test(info)
    : /^flags\s*:.*\bsha_ni\b/m.test(info);
}

const loaded = loadNativeMiner({ env: {} });
const hasSha = cpuHasSha();
const skip = loaded.ok ? false : hasSha ? false : `no native miner here: ${loaded.reason}`;

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const headerArb: fc.Arbitrary<BlockHeader> = fc.record({
  version: u32,
  index: u32,
  previous_hash: hex32,
  merkle_root: hex32,
  timestamp: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.constant(Number.MAX_SAFE_INTEGER - 3)),
  bits: u32,
  nonce: fc.constant(0),
});
/** Targets from "most nonces meet it" to "none of a few thousand does". */
const targetArb = fc.oneof(
  fc.bigInt({ min: 2n, max: 5000n }).map((d) => (1n << 256n) / d),
  fc.bigInt({ min: 0n, max: (1n << 200n) - 1n }),
  fc.constantFrom(0n, (1n << 256n) - 1n),
);
/** Ranges at 0, across a 2^32 boundary (the nonce's high word changes), and at the 2^53 end. */
const rangeArb = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 0, max: 5000 }),
      fc
        .integer({ min: 1, max: 2 ** 21 - 1 })
        .chain((k) => fc.integer({ min: k * 2 ** 32 - 3000, max: k * 2 ** 32 })),
      fc.integer({ min: NONCE_LIMIT - 3000, max: NONCE_LIMIT - 1 }),
      fc.integer({ min: 0, max: NONCE_LIMIT - 1 }),
    ),
    fc.integer({ min: 0, max: 3000 }),
  )
  .map(([start, count]) => ({ start, count: Math.min(count, NONCE_LIMIT - start) }));

describe('native miner', { skip }, () => {
  let miner: NativeMiner;
  before(() => {
    assert.ok(
      loaded.ok,
      `this CPU has SHA extensions, so the addon must load: ${loaded.ok ? '' : loaded.reason}`,
    );
    miner = loaded.miner;
  });

  it('reports the backend of the CPU', () => {
    assert.equal(miner.backend, process.arch === 'arm64' ? 'armv8-sha2' : 'sha-ni');
    assert.equal(miner.path, DEFAULT_ADDON_PATH);
  });

  it('finds the same first nonce as the JavaScript search, or none (random headers, targets, ranges)', () => {
    fc.assert(
      fc.property(headerArb, targetArb, rangeArb, (header, target, { start, count }) => {
        const js = grindNonce(header, target, { start, count });
        const got = miner.search(encodeHeader(header), targetBytes(target), start, count);
        assert.equal(got, js.found ? js.nonce : -1);
        if (got >= 0) assert.ok(meetsTarget(headerHash({ ...header, nonce: got }), target));
      }),
      { numRuns: 300 },
    );
  });

  it('searchNonces gives the same outcome and progress with and without the addon', () => {
    fc.assert(
      fc.property(
        headerArb,
        fc.bigInt({ min: 2n, max: 400n }).map((d) => (1n << 256n) / d),
        rangeArb.filter(({ count }) => count > 0),
        fc.integer({ min: 1, max: 700 }),
        (header, target, { start, count }, batch) => {
          const range = { nonceStart: start, nonceEnd: start + count };
          const run = (native?: NativeMiner) => {
            const calls: number[] = [];
            // Bounded: stop after 50 batches (small ranges roll the timestamp until they find one).
            const outcome = searchNonces(
              header,
              target,
              range,
              (hashes) => calls.push(hashes) < 50,
              batch,
              native,
            );
            return { outcome, calls };
          };
          assert.deepEqual(run(miner), run());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects bad arguments with a typed error, never a crash', () => {
    const header = encodeHeader(REGTEST.genesis);
    const target = targetBytes(REGTEST.powLimit);
    assert.throws(() => miner.search(header.subarray(1), target, 0, 1), TypeError);
    assert.throws(() => miner.search(header, new Uint8Array(31), 0, 1), TypeError);
    assert.throws(() => miner.search(header, target, NONCE_LIMIT - 1, 2), RangeError);
    assert.throws(() => miner.search(header, target, 0.5, 2), RangeError);
    assert.throws(() => miner.search(header, target, -1, 2), RangeError);
    assert.equal(miner.search(header, target, 5, 0), -1);
  });
});

describe('native miner loader', () => {
  const fake = (module: Partial<NativeModule> | (() => never)) => ({
    path: '/fake/yournet_miner.node',
    load: () => (typeof module === 'function' ? module() : module),
    env: {},
  });

  it('falls back when the addon is missing, with the reason', () => {
    const result = loadNativeMiner({ path: '/nonexistent/yournet_miner.node', env: {} });
    assert.deepEqual(result, {
      ok: false,
      reason: 'no native miner at /nonexistent/yournet_miner.node (not built)',
    });
  });

  it('falls back when the addon does not load, reports no SHA extensions, or is not the miner', () => {
    const broken = loadNativeMiner(
      fake(() => {
        throw new Error('NODE_MODULE_VERSION 115 does not match');
      }),
    );
    assert.equal(broken.ok, false);
    assert.match(!broken.ok ? broken.reason : '', /did not load: NODE_MODULE_VERSION/);
    const none = loadNativeMiner(fake({ backend: 'none', search: () => -1 }));
    assert.deepEqual(none, { ok: false, reason: 'no SHA extensions on this CPU' });
    const other = loadNativeMiner(fake({ backend: 'sha-ni' }));
    assert.equal(other.ok, false);
  });

  it('falls back when the addon disagrees with the JavaScript search on the known vectors', () => {
    // Off by one: finds the nonce after the right one.
    const wrong = loadNativeMiner(fake({ backend: 'sha-ni', search: (_h, _t, start) => start + 1 }));
    assert.equal(wrong.ok, false);
    assert.match(!wrong.ok ? wrong.reason : '', /found nonce .* where the JavaScript search found/);
    const throwing = loadNativeMiner(
      fake({
        backend: 'sha-ni',
        search: () => {
          throw new Error('illegal instruction');
        },
      }),
    );
    assert.match(!throwing.ok ? throwing.reason : '', /threw on a known vector: illegal instruction/);
  });

  it('is disabled by YOURNET_NATIVE_MINER=0', () => {
    assert.deepEqual(loadNativeMiner({ env: { YOURNET_NATIVE_MINER: '0' } }), {
      ok: false,
      reason: 'disabled by YOURNET_NATIVE_MINER=0',
    });
  });
});

describe('miner pool backends', () => {
  let saved: string | undefined;
  let fallback: MinerPool | undefined;
  let native: MinerPool | undefined;
  before(() => {
    saved = process.env[NATIVE_PATH_ENV];
  });
  after(async () => {
    if (saved === undefined) delete process.env[NATIVE_PATH_ENV];
    else process.env[NATIVE_PATH_ENV] = saved;
    await fallback?.close();
    await native?.close();
  });

  it('mines with the JavaScript search when the addon is missing', async () => {
    process.env[NATIVE_PATH_ENV] = '/nonexistent/yournet_miner.node';
    fallback = new MinerPool({ workers: 1 });
    delete process.env[NATIVE_PATH_ENV];
    assert.deepEqual(await fallback.ready(), {
      backend: 'js',
      fallback: 'no native miner at /nonexistent/yournet_miner.node (not built)',
    });
    const mined = await fallback.mine({ header: REGTEST.genesis, target: REGTEST.powLimit });
    assert.ok(mined && meetsTarget(mined.hash, REGTEST.powLimit));
    await fallback.close();
  });

  it('mines with the addon by default, its threads at nice 19 and the main thread untouched', {
    skip,
  }, async () => {
    native = new MinerPool({ workers: 2 });
    assert.deepEqual(await native.ready(), { backend: loaded.ok ? loaded.miner.backend : 'js' });
    const target = (1n << 256n) / 100_000n;
    const mined = await native.mine({ header: { ...REGTEST.genesis, index: 3 }, target });
    assert.ok(mined && meetsTarget(mined.hash, target));
    if (process.platform === 'linux') {
      // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value.
      const niceOf = (tid: string) =>
        Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
      const nices = readdirSync('/proc/self/task').map((tid) => ({ tid, nice: niceOf(tid) }));
      assert.equal(niceOf(String(process.pid)), 0, 'the main thread keeps its priority');
      assert.equal(nices.filter((t) => t.nice === 19).length, poolWorkers(native).length);
    }
    await native.close();
  });
});
