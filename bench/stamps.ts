/**
 * The `stamps` suite (issue 10): how fast a post stamp is ground, and what checking one adds to
 * admission.
 *
 * - grindStamp on one thread: core's grinder, the code the browser's Web Workers run
 *   (web/src/workers/stamp-worker.ts) and the CLI's worker threads run, here in Node's V8.
 * - the CLI's worker threads (src/cli/stamping.ts, default: cores − 1), stamping real posts.
 * - admission: µs per signed post through Mempool.submit in-process (in-memory store, signatures
 *   checked on this thread), stamped against unstamped, and checkStamp alone.
 */
import { availableParallelism } from 'node:os';
import { toHex } from '#core/bytes.ts';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { REGTEST } from '#core/params.ts';
import { type Post, signPost } from '#core/post.ts';
import { bitsForWork, checkStamp, grindStamp, stampDigest } from '#core/stamp.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { stampOnWorkers } from '../src/cli/stamping.ts';
import { testChain } from '../test/helpers/chain.ts';
import { type BenchResult, log, measureRate, median, round } from './harness.ts';
import { benchKey, signingCrypto } from './signing.ts';

/** Work of the stamps the admission posts carry: verifying costs one hash whatever the work. */
const ADMISSION_WORK = 2 ** 8;
const ADMISSION_POSTS = 3_000;
/** Work of each CLI run: ~2 s on one core, long enough to amortise starting the threads. */
const CLI_WORK = 2 ** 21;
const CLI_RUNS = 3;

const KEY = benchKey('stamps');
const PUBKEY = toHex(nodeCrypto.publicKey(KEY));

function unsignedPost(i: number): Post {
  return {
    author: 'bench',
    content: `stamped post ${i}: ${'lorem ipsum '.repeat(8)}`,
    timestamp: REGTEST.genesis.timestamp + 3600,
    pubkey: PUBKEY,
  };
}

/** Hashes per second of grindStamp on this thread, in chunks of 4096 against a target it never meets. */
function grindRate(): number {
  const post = unsignedPost(0);
  const bits = bitsForWork(1n << 200n);
  const digest = stampDigest(post, nobleCrypto);
  const chunk = 4096;
  const rate = measureRate(
    (i) => {
      grindStamp(post, bits, nobleCrypto, { start: i * chunk, count: chunk }, digest);
      return i;
    },
    { samples: 5 },
  );
  return rate.perSecond * chunk;
}

/** Hashes per second of `yournet post`'s stamping, median of CLI_RUNS posts (thread start-up included). */
async function cliRate(): Promise<number> {
  const rates: number[] = [];
  for (let run = 0; run < CLI_RUNS; run++) {
    const result = await stampOnWorkers(unsignedPost(run), bitsForWork(BigInt(CLI_WORK)));
    rates.push(result.hashes / result.seconds);
  }
  return median(rates);
}

/** µs per post of submitting `posts` to a fresh in-memory pool, 256 in flight (group commits). */
async function admission(posts: readonly Post[], floor: number): Promise<number> {
  const { mempool } = testChain({ ...REGTEST, minStampWork: floor });
  const started = process.hrtime.bigint();
  for (let i = 0; i < posts.length; i += 256) {
    await Promise.all(posts.slice(i, i + 256).map((post) => mempool.submit(post)));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (mempool.size.count !== posts.length)
    throw new Error(`admitted ${mempool.size.count} of ${posts.length}`);
  return (seconds / posts.length) * 1e6;
}

export async function run(): Promise<BenchResult[]> {
  log('  grindStamp, one thread');
  const oneThread = grindRate();
  log('  CLI worker threads');
  const cli = await cliRate();
  const cliThreads = Math.max(1, availableParallelism() - 1);

  log(`  building ${ADMISSION_POSTS} stamped and ${ADMISSION_POSTS} unstamped signed posts`);
  const bits = bitsForWork(BigInt(ADMISSION_WORK));
  const stamped: Post[] = [];
  const plain: Post[] = [];
  for (let i = 0; i < ADMISSION_POSTS; i++) {
    const draft = unsignedPost(i);
    const ground = grindStamp(draft, bits, nobleCrypto, {});
    if (!ground.found) throw new Error('no stamp');
    stamped.push(signPost({ ...draft, stamp: ground.stamp }, KEY, signingCrypto));
    plain.push(signPost(unsignedPost(ADMISSION_POSTS + i), KEY, signingCrypto));
  }
  log('  admission');
  const plainRuns: number[] = [];
  const stampedRuns: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    plainRuns.push(await admission(plain, 0));
    stampedRuns.push(await admission(stamped, ADMISSION_WORK));
  }
  const check = measureRate((i) => (checkStamp(stamped[i % stamped.length]!, nodeCrypto).ok ? 1 : 0), {
    samples: 5,
  });

  // A phone core: ~1/4 of this machine's per-core rate (an assumption, not a measurement).
  const phone = oneThread / 4;
  return [
    {
      name: 'grindStamp, one thread (the browser worker and CLI code)',
      value: round(oneThread),
      unit: 'hashes/s',
    },
    {
      name: `CLI worker threads (${cliThreads}), stamping 2^21-work posts`,
      value: round(cli),
      unit: 'hashes/s',
      runs: CLI_RUNS,
    },
    {
      name: 'Mempool.submit, signed post with a stamp',
      value: round(median(stampedRuns)),
      unit: 'µs/post',
      runs: stampedRuns.map((v) => round(v, 3)),
    },
    {
      name: 'Mempool.submit, signed post without a stamp',
      value: round(median(plainRuns)),
      unit: 'µs/post',
      runs: plainRuns.map((v) => round(v, 3)),
    },
    { name: 'checkStamp alone', value: round(1e6 / check.perSecond, 3), unit: 'µs/post' },
    {
      name: "main's floor (2^12) on a phone core (assumed 1/4 of this machine's core)",
      value: round((2 ** 12 / phone) * 1000, 3),
      unit: 'ms',
    },
  ];
}
