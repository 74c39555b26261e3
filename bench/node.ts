/**
 * Node suite (issue 3): a real node process (the built CLI, `node bin/yournet.mjs node`) on
 * 127.0.0.1, driven over HTTP from this process (a separate process, so the load generator
 * and the node never share an event loop or a thread):
 *
 *  1. signed posts over POST /api/v1/posts from 32 concurrent keep-alive clients;
 *  2. mining one block of 5,000 pending posts on regtest, timed from POST /api/v1/mine to its answer;
 *  3. GET /api/v1/status latency while the miner runs on every core (network main, where the
 *     easiest target still takes ~2^20 hashes a block), and the miner's hash rate;
 *  4. feed queries on a store of 100,000 confirmed posts (bench/node-queries.ts), in-process and
 *     over HTTP, and the RSS of the node process serving that store;
 *  5. the native miner (issue 13, part `miner`): `--mine` with its default workers (every core),
 *     status latency and hash rate, side by side with `openssl speed -evp sha256`.
 *
 * Every loop is bounded in count and time; every node is stopped by its pid and every data
 * directory deleted, also when a step fails. See bench/README.md for the targets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '#core/bytes.ts';
import { nobleCrypto } from '#core/crypto-noble.ts';
import { grindNonce } from '#core/grind.ts';
import { type Post, signPost } from '#core/post.ts';
import { bitsForWork, grindStamp } from '#core/stamp.ts';
import { loadNativeMiner } from '#node/miner/native.ts';
import { MinerPool } from '#node/miner/pool.ts';
import { type BenchResult, log, median, round } from './harness.ts';
import { buildCli, NodeProcess } from './node-process.ts';
import {
  AUTHORS,
  COMMON_WORD,
  CONFIRMED_POSTS,
  databaseMegabytes,
  loadInChild,
  measure as measureQueriesInProcess,
  PENDING_POSTS,
  percentile,
  keys as queryKeys,
  RARE_WORD,
} from './node-queries.ts';
import { benchKey, signingCrypto } from './signing.ts';

const POST_CLIENTS = 32;
const POST_AUTHORS = 256;
const POST_WARMUP = 4_000;
const POST_TIMED = 40_000;
const POST_SECONDS_LIMIT = 60;
const MINE_POSTS = 5_000;
const MINE_ROUNDS = 5;
const STATUS_WARMUP_SECONDS = 3;
const STATUS_REQUESTS = 1_000;
const STATUS_GAP_MS = 10;
const STATUS_SECONDS_LIMIT = 60;
const FEED_GAP_MS = 25;
const QUERY_REQUESTS = 1_000;
const QUERY_WARMUP = 50;

const TARGETS = {
  postsPerSecond: { op: '>=', value: 5_000 },
  queryMs: { op: '<=', value: 10 },
  rssMb: { op: '<=', value: 200 },
  mineMs: { op: '<=', value: 1_000 },
  statusMs: { op: '<=', value: 50 },
  hashRatio: { op: '>=', value: 0.5 },
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `yournet-bench-${label}-`));
}

/** `count` distinct signed posts (pre-serialised request bodies), dated `timestamp`. */
function signedBodies(count: number, label: string, timestamp: number): Buffer[] {
  const authorKeys = Array.from({ length: POST_AUTHORS }, (_, a) => benchKey(`yournet node bench ${a}`));
  const bodies: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const post: Post = signPost(
      {
        author: `bench-${i % POST_AUTHORS}`,
        content: `${label} post ${i}: a short text of typical length, with a few words about the network and a number ${i * 7}.`,
        timestamp: timestamp + i / 1000,
      },
      authorKeys[i % POST_AUTHORS]!,
      signingCrypto,
    );
    bodies.push(Buffer.from(JSON.stringify(post)));
  }
  return bodies;
}

interface LoadOutcome {
  readonly accepted: number;
  readonly failed: number;
  readonly seconds: number;
  readonly firstFailure?: string;
  /** Accepted posts per second in each 0.5 s window (the last, partial one left out). */
  readonly windows: number[];
  /** CPU the load generator (this process) used, in cores (1 = one core busy all the time). */
  readonly clientCores: number;
}

/** POSTs `bodies` to /api/v1/posts from `clients` concurrent keep-alive connections. */
async function postLoad(node: NodeProcess, bodies: readonly Buffer[], clients: number): Promise<LoadOutcome> {
  let next = 0;
  let accepted = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const deadline = Date.now() + POST_SECONDS_LIMIT * 1000;
  const windows: number[] = [];
  let lastAccepted = 0;
  const timer = setInterval(() => {
    windows.push((accepted - lastAccepted) * 2);
    lastAccepted = accepted;
  }, 500);
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const client = async () => {
    while (next < bodies.length && Date.now() < deadline) {
      const body = bodies[next++]!;
      const answer = await node.post('/api/v1/posts', body);
      if (answer.status === 201) accepted++;
      else {
        failed++;
        firstFailure ??= `${answer.status} ${answer.body.slice(0, 200)}`;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, client));
  } finally {
    clearInterval(timer);
  }
  const seconds = ms(start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const clientCores = (cpu.user + cpu.system) / 1e6 / seconds;
  return { accepted, failed, seconds, windows, clientCores, ...(firstFailure ? { firstFailure } : {}) };
}

/** Results 1 and 2: posts over HTTP, then mining blocks of 5,000 pending posts, on one regtest node. */
async function postsAndMining(): Promise<BenchResult[]> {
  const now = Date.now() / 1000;
  log(`[node] signing ${POST_WARMUP + POST_TIMED + MINE_POSTS * MINE_ROUNDS} posts`);
  const warm = signedBodies(POST_WARMUP, 'warm-up', now - 600);
  const timed = signedBodies(POST_TIMED, 'timed', now - 500);
  const forBlocks = Array.from({ length: MINE_ROUNDS }, (_, r) =>
    signedBodies(MINE_POSTS, `block ${r}`, now - 400 + r * 10),
  );
  const dataDir = tempDir('posts');
  let node: NodeProcess | undefined;
  try {
    node = await NodeProcess.start({
      dataDir,
      network: 'regtest',
      args: ['--max-pending', String(POST_WARMUP + POST_TIMED + MINE_POSTS)],
      sockets: POST_CLIENTS,
    });
    log(`[node] regtest node pid ${node.pid}: ${POST_WARMUP} warm-up posts`);
    const warmup = await postLoad(node, warm, POST_CLIENTS);
    if (warmup.failed > 0) throw new Error(`warm-up posts refused: ${warmup.firstFailure}`);
    log(`[node] ${POST_TIMED} timed posts from ${POST_CLIENTS} clients`);
    const cpuBefore = node.cpuSeconds();
    const load = await postLoad(node, timed, POST_CLIENTS);
    const cpuAfter = node.cpuSeconds();
    const perPost = (seconds: number) => round((seconds * 1e6) / load.accepted, 3);
    const nodeCpu =
      cpuBefore && cpuAfter
        ? {
            node_main_thread_cpu_us_per_post: perPost(cpuAfter.main - cpuBefore.main),
            node_all_threads_cpu_us_per_post: perPost(cpuAfter.total - cpuBefore.total),
          }
        : {};
    const rate = load.accepted / load.seconds;
    log(`[node] ${load.accepted} accepted, ${load.failed} refused in ${load.seconds.toFixed(2)} s`);
    const results: BenchResult[] = [
      {
        name: 'POST /api/v1/posts, signed posts, 32 keep-alive clients',
        value: round(rate),
        unit: 'posts/s',
        target: TARGETS.postsPerSecond,
        min: round(Math.min(...load.windows)),
        max: round(Math.max(...load.windows)),
        accepted: load.accepted,
        refused: load.failed,
        ...(load.firstFailure ? { first_refusal: load.firstFailure } : {}),
        seconds: round(load.seconds),
        authors: POST_AUTHORS,
        load_generator_cores: round(load.clientCores, 2),
        ...nodeCpu,
        statistic: 'accepted posts / wall time; min/max over 0.5 s windows',
      },
    ];

    // Mining: empty the pool first, then one block of exactly 5,000 posts per round.
    const drained = await node.post('/api/v1/mine');
    if (drained.status !== 201)
      throw new Error(`mining the backlog failed: ${drained.status} ${drained.body}`);
    for (let i = 0; i < 10; i++) {
      const status = JSON.parse((await node.get('/api/v1/status')).body) as { pending: { count: number } };
      if (status.pending.count === 0) break;
      await node.post('/api/v1/mine');
    }
    const times: number[] = [];
    for (let round_ = 0; round_ < MINE_ROUNDS; round_++) {
      const fill = await postLoad(node, forBlocks[round_]!, POST_CLIENTS);
      if (fill.accepted !== MINE_POSTS) throw new Error(`block posts refused: ${fill.firstFailure}`);
      const start = process.hrtime.bigint();
      const answer = await node.post('/api/v1/mine');
      const elapsed = ms(start);
      const result = JSON.parse(answer.body) as { mined?: boolean; posts?: number };
      if (answer.status !== 201 || result.posts !== MINE_POSTS)
        throw new Error(`mine answered ${answer.status} ${answer.body.slice(0, 200)}`);
      log(`[node] mined a block of ${MINE_POSTS} posts in ${elapsed.toFixed(0)} ms`);
      times.push(elapsed);
    }
    results.push({
      name: `mine one block of ${MINE_POSTS} pending posts (regtest, POST /api/v1/mine to answer)`,
      value: round(median(times)),
      unit: 'ms',
      target: TARGETS.mineMs,
      min: round(Math.min(...times)),
      max: round(Math.max(...times)),
      runs: times.length,
      statistic: 'median',
    });
    return results;
  } finally {
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface StatusBody {
  height: number;
  mining: { active: boolean; hashrate: number; workers: number };
}

async function hashesTotal(node: NodeProcess): Promise<number> {
  const metrics = (await node.get('/metrics')).body;
  return Number(/yournet_miner_hashes_total (\d+)/.exec(metrics)?.[1] ?? Number.NaN);
}

/**
 * Results 3 and 4: status latency while every core mines (network main), and the hash rate. Main
 * refuses posts without a stamp (issue 10), so the feed is the miner part's stamped one
 * (statusUnderFeed): unstamped, the pool stayed empty and the miner idle (0 hashes).
 */
async function statusWhileMining(): Promise<BenchResult[]> {
  const workers = availableParallelism();
  const run = await statusUnderFeed('status', ['--mine', '--workers', String(workers)]);
  const { sorted } = run;
  log(`[node] status part: ${run.hashes} hashes in ${round(run.seconds)} s, ${run.blocks} blocks`);
  return [
    {
      name: `GET /api/v1/status p99 while mining (main, ${workers} workers on ${workers} cores)`,
      value: round(percentile(sorted, 0.99)),
      unit: 'ms',
      target: TARGETS.statusMs,
      p50: round(percentile(sorted, 0.5)),
      max: round(sorted[sorted.length - 1]!),
      requests: sorted.length,
      miner_active_fraction: round(run.active / sorted.length),
      blocks_mined: run.blocks,
    },
    {
      name: `miner hash rate, all ${workers} workers (main, while serving)`,
      value: round(run.hashes / run.seconds),
      unit: 'hashes/s',
      workers: run.workers,
      seconds: round(run.seconds),
      blocks_mined: run.blocks,
      statistic: 'hashes counted by the workers / wall time (includes the gaps between blocks)',
    },
  ];
}

/** Times `QUERY_REQUESTS` sequential GETs of `path(i)`; p99 as the value. */
async function httpLatency(
  node: NodeProcess,
  name: string,
  path: (i: number) => string,
): Promise<BenchResult> {
  for (let i = 0; i < QUERY_WARMUP; i++) {
    const answer = await node.get(path(i));
    if (answer.status !== 200) throw new Error(`${path(i)}: ${answer.status} ${answer.body.slice(0, 200)}`);
  }
  const times: number[] = [];
  let items = 0;
  for (let i = 0; i < QUERY_REQUESTS; i++) {
    const start = process.hrtime.bigint();
    const answer = await node.get(path(i));
    times.push(ms(start));
    if (i === 0) items = (JSON.parse(answer.body) as { items: unknown[] }).items.length;
  }
  const sorted = times.sort((a, b) => a - b);
  log(
    `[node] HTTP ${name}: p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p99 ${percentile(sorted, 0.99).toFixed(2)} ms`,
  );
  return {
    name: `GET /api/v1/posts ${name} p99`,
    value: round(percentile(sorted, 0.99)),
    unit: 'ms',
    target: TARGETS.queryMs,
    p50: round(percentile(sorted, 0.5)),
    max: round(sorted[sorted.length - 1]!),
    requests: QUERY_REQUESTS,
    items,
  };
}

/** Results 5–: queries on 100,000 stored posts (in-process and over HTTP), and the node's RSS. */
async function queriesAndMemory(): Promise<BenchResult[]> {
  const dataDir = tempDir('queries');
  let node: NodeProcess | undefined;
  try {
    log(`[node] loading ${CONFIRMED_POSTS} confirmed + ${PENDING_POSTS} pending posts into ${dataDir}`);
    const timings = loadInChild(dataDir);
    const results = measureQueriesInProcess(dataDir);
    node = await NodeProcess.start({ dataDir, network: 'regtest', sockets: 1 });
    const idleRss = await node.rssMb();
    const pubkeys = queryKeys.map((key) => toHex(signingCrypto.publicKey(key)));
    results.push(
      await httpLatency(node, 'newest 50', () => '/api/v1/posts?limit=50'),
      await httpLatency(
        node,
        'newest 50 by author',
        (i) => `/api/v1/posts?limit=50&author=author-${i % AUTHORS}`,
      ),
      await httpLatency(
        node,
        'newest 50 by pubkey',
        (i) => `/api/v1/posts?limit=50&pubkey=${pubkeys[i % AUTHORS]}`,
      ),
      await httpLatency(
        node,
        `full-text common word ("${COMMON_WORD}")`,
        () => `/api/v1/posts?limit=50&q=${COMMON_WORD}`,
      ),
      await httpLatency(
        node,
        `full-text rare word ("${RARE_WORD}")`,
        () => `/api/v1/posts?limit=50&q=${RARE_WORD}`,
      ),
    );
    const rss = await node.rssMb();
    log(`[node] node RSS ${rss.toFixed(1)} MB (${idleRss.toFixed(1)} MB before the queries)`);
    results.push(
      {
        name: `RSS of the node process serving ${CONFIRMED_POSTS + PENDING_POSTS} posts`,
        value: round(rss),
        unit: 'MB',
        target: TARGETS.rssMb,
        rss_at_start_mb: round(idleRss),
        database_mb: databaseMegabytes(dataDir),
        statistic: 'VmRSS after the HTTP queries (default worker threads, miner idle)',
      },
      {
        name: 'load: sign posts (key objects cached)',
        value: round((CONFIRMED_POSTS + PENDING_POSTS) / timings.signSeconds),
        unit: 'posts/s',
      },
      {
        name: 'load: accept blocks of 1,000 signed posts (validate, verify, store)',
        value: round((CONFIRMED_POSTS + PENDING_POSTS) / timings.acceptSeconds),
        unit: 'posts/s',
      },
    );
    return results;
  } finally {
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Hashes per CPU-second of one search on this thread (CPU time, so load elsewhere does not count). */
function perCpuSecond(hashes: number, search: () => unknown): number {
  const start = process.cpuUsage();
  search();
  const used = process.cpuUsage(start);
  return hashes / ((used.user + used.system) / 1e6);
}

/** Seconds the bench's own MinerPool hashes against an unreachable target. */
const POOL_SECONDS = 5;

/** `openssl speed -evp sha256 -bytes <bytes> -seconds 3` (with `-elapsed`: timed on the wall clock). */
function opensslRate(bytes: number, elapsed: boolean): number | undefined {
  const args = [
    'speed',
    ...(elapsed ? ['-elapsed'] : []),
    '-evp',
    'sha256',
    '-bytes',
    String(bytes),
    '-seconds',
    '3',
  ];
  const out = spawnSync('openssl', args, { encoding: 'utf8', timeout: 30_000 });
  const kilobytes = /^sha256\s+([\d.]+)k/m.exec(out.stdout ?? '');
  return kilobytes ? (Number(kilobytes[1]) * 1000) / bytes : undefined;
}

interface StatusRun {
  readonly sorted: number[];
  readonly active: number;
  readonly blocks: number;
  readonly workers: number;
  readonly hashes: number;
  readonly seconds: number;
  /** CPU seconds of every thread but the main one (the miner's, and the nearly idle verifier's). */
  readonly workerCpu: number | undefined;
}

/**
 * A main node started with `args`, fed a stamped post every FEED_GAP_MS (main asks every post for
 * a stamp, §12.3: 2^14 hashes, a few ms each, ground as it is fed), then STATUS_REQUESTS status
 * requests STATUS_GAP_MS apart.
 */
async function statusUnderFeed(label: string, args: readonly string[]): Promise<StatusRun> {
  const key = benchKey(`yournet node bench ${label}`);
  const pubkey = toHex(signingCrypto.publicKey(key));
  const stampBits = bitsForWork(2n ** 14n);
  const now = Date.now() / 1000 - 60;
  const stampedBody = (i: number) => {
    const draft: Post = {
      author: label,
      content: `${label} bench post ${i}`,
      timestamp: now + i / 1000,
      pubkey,
    };
    const ground = grindStamp(draft, stampBits, nobleCrypto);
    if (!ground.found) throw new Error('no stamp found');
    return Buffer.from(JSON.stringify(signPost({ ...draft, stamp: ground.stamp }, key, signingCrypto)));
  };
  let refused: string | undefined;
  const dataDir = tempDir(label);
  let node: NodeProcess | undefined;
  let feeding = true;
  let feeder: Promise<void> | undefined;
  try {
    node = await NodeProcess.start({ dataDir, network: 'main', args, sockets: 4 });
    const target = node;
    log(`[node] main node pid ${node.pid} ${args.join(' ')}: a stamped post every ${FEED_GAP_MS} ms`);
    feeder = (async () => {
      for (let i = 0; i < 10_000 && feeding; i++) {
        const answer = await target.post('/api/v1/posts', stampedBody(i));
        if (answer.status !== 201) refused ??= `${answer.status} ${answer.body.slice(0, 200)}`;
        await sleep(FEED_GAP_MS);
      }
    })();
    await sleep(STATUS_WARMUP_SECONDS * 1000);
    if (refused) throw new Error(`the node refused a stamped post: ${refused}`);
    const first = JSON.parse((await node.get('/api/v1/status')).body) as StatusBody;
    const hashesBefore = await hashesTotal(node);
    const cpuBefore = node.cpuSeconds();
    const start = process.hrtime.bigint();
    const deadline = Date.now() + STATUS_SECONDS_LIMIT * 1000;
    const latencies: number[] = [];
    let active = 0;
    while (latencies.length < STATUS_REQUESTS && Date.now() < deadline) {
      const t = process.hrtime.bigint();
      const answer = await node.get('/api/v1/status');
      latencies.push(ms(t));
      if (answer.status !== 200) throw new Error(`status answered ${answer.status}`);
      if ((JSON.parse(answer.body) as StatusBody).mining.active) active++;
      await sleep(STATUS_GAP_MS);
    }
    const seconds = ms(start) / 1000;
    const hashes = (await hashesTotal(node)) - hashesBefore;
    const cpuAfter = node.cpuSeconds();
    const last = JSON.parse((await node.get('/api/v1/status')).body) as StatusBody;
    const sorted = [...latencies].sort((a, b) => a - b);
    log(
      `[node] ${label}: status p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p99 ${percentile(sorted, 0.99).toFixed(2)} ms; ` +
        `${last.height - first.height} blocks`,
    );
    return {
      sorted,
      active,
      blocks: last.height - first.height,
      workers: last.mining.workers,
      hashes,
      seconds,
      workerCpu:
        cpuBefore && cpuAfter
          ? cpuAfter.total - cpuAfter.main - (cpuBefore.total - cpuBefore.main)
          : undefined,
    };
  } finally {
    feeding = false;
    await feeder?.catch(() => undefined);
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Result 5 (issue 13). (a) The miner's hash rate with its default workers (every core), as a ratio
 * to the machine's SHA-256, `openssl speed` measured in the same run: bulk (16 KiB messages, one
 * compression per 64 bytes) timed on the wall clock like the pool, and on CPU time (openssl's
 * default, immune to other processes); the issue's 64-byte messages (two compressions and the EVP
 * calls each). The pool runs at nice 0 here, as openssl does, so both get the same share of a busy
 * machine. (b) Status p99 on a main node with `--mine` and its default workers (nice 19), next to
 * the same node and feed without mining: the difference is what mining costs the API.
 */
async function nativeMiner(): Promise<BenchResult[]> {
  const cores = availableParallelism();
  const native = loadNativeMiner();
  log(`[node] miner: ${native.ok ? `native ${native.miner.backend}` : `JavaScript (${native.reason})`}`);
  log('[node] openssl speed -evp sha256: -bytes 64, -bytes 16384, -bytes 16384 -elapsed (3 s each)');
  const messages64 = opensslRate(64, false);
  const bulkCpu = opensslRate(16_384, false);
  const bulkWall = opensslRate(16_384, true);
  const perBlock = (rate: number | undefined) => (rate === undefined ? undefined : (rate * 16_384) / 64);
  const compressionsCpu = perBlock(bulkCpu);
  const compressionsWall = perBlock(bulkWall);

  const pool = new MinerPool({ nice: 0 });
  const backend = await pool.ready();
  const abort = new AbortController();
  const template = {
    version: 1,
    index: 1,
    previous_hash: '11'.repeat(32),
    merkle_root: '22'.repeat(32),
    timestamp: 1_700_000_000,
    bits: 0,
    nonce: 0,
  };
  const before = pool.totalHashes;
  const cpuStart = process.cpuUsage();
  const poolStart = process.hrtime.bigint();
  const job = pool.mine({ header: template, target: 0n }, abort.signal);
  await sleep(POOL_SECONDS * 1000);
  const poolHashes = pool.totalHashes - before;
  const poolSeconds = ms(poolStart) / 1000;
  const poolCpu = process.cpuUsage(cpuStart);
  abort.abort();
  await job;
  await pool.close();
  const poolRate = poolHashes / poolSeconds;
  const poolPerCpu = poolHashes / ((poolCpu.user + poolCpu.system) / 1e6);
  const jsRate = perCpuSecond(2 ** 20, () => grindNonce(template, 0n, { count: 2 ** 20 }));
  log(
    `[node] pool of ${pool.workerCount} workers (${backend?.backend}): ${(poolRate / 1e6).toFixed(2)} M hashes/s, ` +
      `${(poolPerCpu / 1e6).toFixed(2)} M per CPU-second; openssl bulk ${((compressionsWall ?? 0) / 1e6).toFixed(2)} M ` +
      `compressions/s, ${((compressionsCpu ?? 0) / 1e6).toFixed(2)} M per CPU-second`,
  );

  const idle = await statusUnderFeed('no-mining', []);
  const mining = await statusUnderFeed('mining', ['--mine']);
  const p = (run: StatusRun, q: number) => round(percentile(run.sorted, q));
  return [
    {
      name: `native miner hash rate ÷ (openssl bulk SHA-256 compressions/s × ${cores} cores)`,
      value: compressionsWall ? round(poolRate / (compressionsWall * cores), 3) : 0,
      unit: 'ratio',
      target: TARGETS.hashRatio,
      backend: backend?.backend ?? 'none',
      workers: pool.workerCount,
      pool_hashes_per_second: round(poolRate),
      openssl_bulk_compressions_per_second: round(compressionsWall ?? 0),
      pool_hashes_per_cpu_second: round(poolPerCpu),
      openssl_bulk_compressions_per_cpu_second: round(compressionsCpu ?? 0),
      ratio_per_cpu_second: compressionsCpu ? round(poolPerCpu / compressionsCpu, 3) : 0,
      openssl_64_byte_messages_per_cpu_second: round(messages64 ?? 0),
      ratio_to_openssl_64_byte_messages_per_cpu_second: messages64 ? round(poolPerCpu / messages64, 3) : 0,
      one_thread_js_hashes_per_cpu_second: round(jsRate),
      statistic: `MinerPool (nice 0) hashes over ${POOL_SECONDS} s ÷ (openssl -elapsed × cores), both on the wall clock`,
    },
    {
      name: `GET /api/v1/status p99 while mining (main, --mine with its default ${mining.workers} workers)`,
      value: p(mining, 0.99),
      unit: 'ms',
      target: TARGETS.statusMs,
      p50: p(mining, 0.5),
      max: p(mining, 1),
      requests: mining.sorted.length,
      without_mining_p99: p(idle, 0.99),
      without_mining_p50: p(idle, 0.5),
      miner_active_fraction: round(mining.active / mining.sorted.length),
      blocks_mined: mining.blocks,
      node_hashes_per_second: round(mining.hashes / mining.seconds),
      node_hashes_per_worker_cpu_second: mining.workerCpu ? round(mining.hashes / mining.workerCpu) : 0,
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  if (!process.env.YOURNET_BENCH_NO_BUILD) buildCli();
  const only = process.env.YOURNET_BENCH_NODE_ONLY?.split(',');
  const parts: [string, () => Promise<BenchResult[]>][] = [
    ['posts', postsAndMining],
    ['status', statusWhileMining],
    ['queries', queriesAndMemory],
    ['miner', nativeMiner],
  ];
  const results: BenchResult[] = [];
  for (const [name, part] of parts) if (!only || only.includes(name)) results.push(...(await part()));
  return results;
}
