/**
 * The read side of the `node` suite (bench/node.ts): a realistic on-disk regtest store of
 * 100,000 signed posts by 100 authors, confirmed in 100 blocks of 1,000 through
 * Chain.acceptBlock (full validation), plus 1,000 pending posts; and the latency of the queries
 * behind /api/v1 (src/node/store/queries.ts) on it, called in-process. Each query runs 2,000
 * times on the calling thread after a warm-up; a result is the p99 latency in milliseconds,
 * with p50 and max as extra fields. bench/node.ts also serves the same store with a real node
 * process and times the same queries over HTTP.
 *
 * The store is filled by a child process (this file run as a script with --load-into DIR), so
 * no process that is measured afterwards carries the loader's garbage.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { REGTEST } from '#core/params.ts';
import { Chain } from '#node/chain/chain.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { Mempool } from '#node/mempool.ts';
import { ChainQueries } from '#node/store/queries.ts';
import { Store } from '#node/store/store.ts';
import { BulkFill } from './bulk-fill.ts';
import { type BenchResult, consume, log, round } from './harness.ts';
import {
  authorKey,
  COMMON_WORD,
  mineBlock,
  PostGenerator,
  RARE_WORD,
  rng,
  type StoreShape,
} from './store-data.ts';

export const CONFIRMED_POSTS = 100_000;
const POSTS_PER_BLOCK = 1_000;
export const PENDING_POSTS = 1_000;
export const AUTHORS = 100;

export type { StoreShape } from './store-data.ts';
export { authorKey, COMMON_WORD, RARE_WORD } from './store-data.ts';

export const DEFAULT_SHAPE: StoreShape = {
  confirmed: CONFIRMED_POSTS,
  perBlock: POSTS_PER_BLOCK,
  pending: PENDING_POSTS,
  authors: AUTHORS,
};
const ITERATIONS = 2_000;
const WARMUP = 100;
const LATENCY_TARGET = { op: '<=', value: 10 } as const;

/** The default shape's authors' private keys; author `author-<a>` signs with keys[a]. */
export const keys = Array.from({ length: AUTHORS }, (_, a) => authorKey(a));

/** A store, its pending pool and chain, wired as src/node/node.ts does (no maintenance). */
function openChain(dataDir: string): { chain: Chain; store: Store; mempool: Mempool } {
  const store = Store.open({ dataDir, params: REGTEST });
  // The validator's clock: one day after the genesis, so the mined timestamps are never "in the future".
  const now = () => REGTEST.genesis.timestamp + 86_400;
  const mempool = new Mempool(store, REGTEST, nodeCrypto, { now });
  const chain = new Chain({ store, pool: mempool, params: REGTEST, crypto: nodeCrypto, now });
  return { chain, store, mempool };
}

/**
 * Fills `dataDir` with a shape's generated posts: confirmed in blocks through Chain.acceptBlock
 * (full validation) or by bench/bulk-fill.ts (`shape.fill`), then the pending pool, then the
 * full-text backlog; returns the timings.
 */
export function fillStore(dataDir: string, shape: StoreShape): LoadTimings {
  const { chain, store } = openChain(dataDir);
  const total = shape.confirmed + shape.pending;
  if (shape.confirmed % shape.perBlock !== 0 || shape.pending > shape.perBlock)
    throw new Error(`bad store shape ${JSON.stringify(shape)}: whole blocks, pending ≤ one block`);
  const logEvery = Math.max(1, Math.floor(total / shape.perBlock / 10));
  const generator = new PostGenerator(shape);
  const bulk = shape.fill === 'bulk' ? new BulkFill(store) : undefined;
  let signSeconds = 0;
  let acceptSeconds = 0;
  try {
    for (let start = 0; start < total; start += shape.perBlock) {
      let t = performance.now();
      const end = Math.min(total, start + shape.perBlock, start < shape.confirmed ? shape.confirmed : total);
      const posts = Array.from({ length: end - start }, () => generator.take());
      signSeconds += (performance.now() - t) / 1000;
      t = performance.now();
      if (start < shape.confirmed) {
        if (bulk !== undefined) bulk.addBlock(mineBlock(bulk.parent, posts));
        else {
          const outcome = chain.acceptBlock(mineBlock(chain.tip, posts).block);
          if (!outcome.ok) throw new Error(`bench block refused: ${outcome.code} ${outcome.message}`);
        }
      } else if (bulk !== undefined) {
        for (const post of posts) bulk.addPending(post);
      } else {
        // The pending pool, written with the statements of the mempool's group commit (a loader).
        store.transaction(() => {
          for (const { post, id, size } of posts) {
            store.pending.add(store.posts.insert(post, id, size, Date.now()), size);
          }
        });
      }
      acceptSeconds += (performance.now() - t) / 1000;
      const blocksDone = start / shape.perBlock + 1;
      if (blocksDone % logEvery === 0 || end === total)
        log(`[node-queries] loaded ${end} of ${total} posts (${Math.round(performance.now() / 1000)} s)`);
    }
    // The full-text backlog, as the node's maintenance would index it between requests.
    const t = performance.now();
    if (bulk !== undefined) bulk.finish();
    else while (store.searchIndex.indexBatch(10_000) > 0);
    const indexSeconds = (performance.now() - t) / 1000;
    return { signSeconds, acceptSeconds, indexSeconds };
  } finally {
    store.close();
  }
}

export interface LoadTimings {
  readonly signSeconds: number;
  readonly acceptSeconds: number;
  /** Full-text indexing of every post, after the load. */
  readonly indexSeconds: number;
}

const LOAD_FLAG = '--load-into';

/** Runs the loader in a child process (this file as a script) and returns its timings. */
export function loadInChild(dataDir: string, shape: StoreShape = DEFAULT_SHAPE): LoadTimings {
  const file = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', file, LOAD_FLAG, dataDir, JSON.stringify(shape)];
  const child = spawnSync(process.execPath, args, {
    cwd: join(dirname(file), '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`the loader failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as LoadTimings;
}

/** Collects garbage when possible, so the RSS is not inflated by collectable garbage. */
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // Not available: the RSS then includes some garbage.
  }
}

/** The `p` quantile (0..1) of ascending `sorted` (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Times `op(i)` for i in 0..iterations−1 after a warm-up; p99 as the value, p50 and max as extras. */
function latency(
  name: string,
  op: (i: number) => unknown,
  iterations = ITERATIONS,
  target: BenchResult['target'] = LATENCY_TARGET,
): BenchResult {
  for (let i = 0; i < WARMUP; i++) consume(op(i));
  collectGarbage();
  const times = new Float64Array(iterations);
  // CPU time of the calling thread too: on a shared machine the wall clock measures the load.
  const cpu = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    consume(op(i));
    times[i] = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpuStart);
    cpu[i] = (used.user + used.system) / 1000;
  }
  const sorted = Array.from(times).sort((a, b) => a - b);
  const cpuSorted = Array.from(cpu).sort((a, b) => a - b);
  const p50 = percentile(sorted, 0.5);
  const p99 = percentile(sorted, 0.99);
  const cpuP50 = percentile(cpuSorted, 0.5);
  const cpuP99 = percentile(cpuSorted, 0.99);
  log(
    `[node-queries] ${name}: p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms (CPU p50 ${cpuP50.toFixed(3)}, p99 ${cpuP99.toFixed(3)})`,
  );
  return {
    name: `in-process: ${name} p99`,
    value: round(p99),
    unit: 'ms',
    target,
    p50: round(p50),
    max: round(sorted[sorted.length - 1]!),
    cpu_p50: round(cpuP50),
    cpu_p99: round(cpuP99),
    iterations,
  };
}

export function databaseMegabytes(dataDir: string): number {
  let bytes = 0;
  for (const name of ['yournet.sqlite', 'yournet.sqlite-wal']) {
    try {
      bytes += statSync(join(dataDir, name)).size;
    } catch {
      // absent
    }
  }
  return round(bytes / (1024 * 1024));
}

/**
 * Measures the queries in-process on a store filled by {@link load}; results are named
 * `in-process: …`, each judged against `target` (p99 ms).
 */
export function measure(
  dataDir: string,
  shape: StoreShape = DEFAULT_SHAPE,
  target: BenchResult['target'] = LATENCY_TARGET,
): BenchResult[] {
  const { chain, store, mempool } = openChain(dataDir);
  try {
    const queries = new ChainQueries({ store, params: REGTEST, tip: () => chain.tip, pending: mempool });
    const stats = queries.stats();
    if (stats.posts_confirmed !== shape.confirmed || stats.posts_pending !== shape.pending) {
      throw new Error(`unexpected store contents: ${JSON.stringify(stats)}`);
    }
    const samples = sampleStore(store, shape);
    const rare = queries.posts({ limit: 50, q: RARE_WORD }).items.length;
    const common = queries.posts({ limit: 50, q: COMMON_WORD }).items.length;
    if (rare === 0 || common !== 50)
      throw new Error(`search sanity check failed: ${rare} rare, ${common} common`);
    if (queries.post(samples.ids[0]!)?.proof === undefined) throw new Error('no proof for a confirmed post');
    if (queries.posts({ limit: 50, reply_to: samples.threads[0]! }).items.length === 0)
      throw new Error('a sampled thread has no replies');

    const time = (name: string, op: (i: number) => unknown) => latency(name, op, ITERATIONS, target);
    return [
      time('feed newest 50', () => queries.posts({ limit: 50 })),
      time('feed newest 50 by author', (i) => queries.posts({ limit: 50, author: samples.authors[i]! })),
      time('feed newest 50 by pubkey', (i) => queries.posts({ limit: 50, pubkey: samples.pubkeys[i]! })),
      time('thread: replies to a post, newest 50', (i) =>
        queries.posts({ limit: 50, reply_to: samples.threads[i]! }),
      ),
      time(`search common word ("${COMMON_WORD}", ~50% of posts)`, () =>
        queries.posts({ limit: 50, q: COMMON_WORD }),
      ),
      time(`search rare word ("${RARE_WORD}", ${rare} posts)`, () =>
        queries.posts({ limit: 50, q: RARE_WORD }),
      ),
      time('post(id) with merkle proof (random confirmed post)', (i) => queries.post(samples.ids[i]!)),
      time('blocks() first page (20)', () => queries.blocks({ limit: 20 })),
    ];
  } finally {
    store.close();
  }
}

/**
 * ITERATIONS random confirmed post ids, thread roots and authors (name and key), deterministic.
 * The authors are those of random posts, so an author is asked for as often as it writes (on a
 * long tail, the prolific ones most).
 */
export function sampleStore(
  store: Store,
  shape: StoreShape,
): { ids: string[]; authors: string[]; pubkeys: string[]; threads: string[] } {
  const random = rng(42);
  const ids: string[] = [];
  const threads: string[] = [];
  const authors: string[] = [];
  const pubkeys: string[] = [];
  // A quarter of the posts are replies: their targets are thread roots with at least one reply.
  for (
    let tries = 0;
    (ids.length < ITERATIONS || threads.length < ITERATIONS) && tries < 40 * ITERATIONS;
    tries++
  ) {
    const row = store.posts.bySeq(1 + Math.floor(random() * shape.confirmed))!;
    if (ids.length < ITERATIONS) {
      ids.push(row.id);
      authors.push(row.author);
      pubkeys.push(row.pubkey!);
    }
    if (row.reply_to !== null && threads.length < ITERATIONS) threads.push(row.reply_to);
  }
  return { ids, threads, authors, pubkeys };
}

/** {@link sampleStore} of a filled data directory (opened and closed). */
export function sampleDataDir(dataDir: string, shape: StoreShape): ReturnType<typeof sampleStore> {
  const store = Store.open({ dataDir, params: REGTEST });
  try {
    return sampleStore(store, shape);
  } finally {
    store.close();
  }
}

// Run as a script by loadInChild: fill the data directory, print the timings as JSON.
if (process.argv[2] === LOAD_FLAG && process.argv[1] === fileURLToPath(import.meta.url)) {
  const dataDir = process.argv[3];
  if (dataDir === undefined) throw new Error(`usage: ${LOAD_FLAG} <data dir>`);
  const shape = process.argv[4] === undefined ? DEFAULT_SHAPE : (JSON.parse(process.argv[4]) as StoreShape);
  process.stdout.write(`${JSON.stringify(fillStore(dataDir, shape))}\n`);
}
