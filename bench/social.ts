/**
 * The `social` suite: home timeline and notifications latency on a store of 100,000 posts by
 * 10,000 authors who follow 200 keys each (2,000,000 follow actions), with 100,000 reactions
 * and 20,000 replies; and the index upkeep of one connected block. `SOCIAL_BENCH_SCALE` (0–1)
 * shrinks authors and posts (follows per author stay 200), for a quick run on a small machine.
 * One author is prolific (a tenth of the posts, so about a tenth of the reactions and replies
 * go to it): its notifications and the timelines of its followers must stay bounded too.
 *
 * The store is filled with SQL, not through Chain.acceptBlock: what is measured is the read
 * path (src/node/social/queries.ts) and the index upkeep, which the same triggers on `confirmed`
 * do as in a node: upkeep is timed as the confirmed rows of one block of 1,000 mixed posts and
 * actions written (connect) and removed (disconnect, as in a reorg), triggers included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex, utf8 } from '#core/bytes.ts';
import { REGTEST } from '#core/params.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { SocialQueries } from '#node/social/queries.ts';
import { Store } from '#node/store/store.ts';
import { type BenchResult, consume, log, round } from './harness.ts';

const FULL = { authors: 10_000, posts: 100_000, follows: 200, reactions: 100_000, replies: 20_000 };
const PER_BLOCK = 1_000;
const ITERATIONS = 1_000;
const UPKEEP_BLOCKS = 20;
const TARGET = { op: '<=', value: 5 } as const;

function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

interface Filled {
  readonly keys: string[];
  readonly ids: string[];
  /** Stores posts without confirming them (for the upkeep blocks). */
  readonly store: (count: number) => number[];
  readonly height: number;
}

/** Fills the store: posts, then follows, reactions and replies, confirmed in blocks of 1,000. */
export function fill(store: Store, size: typeof FULL): Filled {
  const db = store.database;
  const random = rng(42);
  let n = 0;
  const hex = () => toHex(nodeCrypto.sha256(utf8(`bench ${++n}`)));
  const keys = Array.from({ length: size.authors }, hex);
  const insertPost = db.prepare(
    `INSERT INTO posts (id, author, content, timestamp, pubkey, reply_to, signature, size, received_at, kind, ref)
     VALUES (?, 'a', ?, 1, ?, ?, ?, 200, 0, ?, ?)`,
  );
  const confirm = db.prepare('INSERT INTO confirmed (post_seq, height, position) VALUES (?, ?, ?)');
  const sig = '00'.repeat(64);
  let height = 0;
  let position = PER_BLOCK;
  const ids: string[] = [];
  const add = (
    content: string,
    pubkey: string,
    kind: string | null,
    ref: string | null,
    replyTo: string | null,
  ) => {
    if (position === PER_BLOCK) {
      height++;
      position = 0;
    }
    const id = hex();
    const seq = Number(insertPost.run(id, content, pubkey, replyTo, sig, kind, ref).lastInsertRowid);
    confirm.run(seq, height, position++);
    return id;
  };
  const pick = () => keys[Math.floor(random() * keys.length)]!;
  // Every tenth post is the prolific author's (keys[0]).
  const authorOf = (i: number) => (i % 10 === 0 ? keys[0]! : keys[i % keys.length]!);
  store.transaction(() => {
    for (let i = 0; i < size.posts; i++) ids.push(add(`post ${i}`, authorOf(i), null, null, null));
    for (const key of keys) for (let f = 0; f < size.follows; f++) add('follow', key, 'follow', pick(), null);
    for (let i = 0; i < size.reactions; i++)
      add('👍', pick(), 'react', ids[Math.floor(random() * ids.length)]!, null);
    for (let i = 0; i < size.replies; i++)
      add('a reply', pick(), null, null, ids[Math.floor(random() * ids.length)]!);
  });
  // Mixed blocks for the upkeep: posts, follows, reactions, replies in the fill's proportions.
  const unconfirmed = (count: number): number[] =>
    Array.from({ length: count }, (_, i) => {
      const id = hex();
      const r = random();
      const ref = ids[Math.floor(random() * ids.length)]!;
      const row =
        r < 0.05
          ? insertPost.run(id, 'post', pick(), null, sig, null, null)
          : r < 0.85
            ? insertPost.run(id, 'follow', pick(), null, sig, 'follow', pick())
            : r < 0.97
              ? insertPost.run(id, '👍', pick(), null, sig, 'react', ref)
              : insertPost.run(id, `reply ${i}`, pick(), ref, sig, null, null);
      return Number(row.lastInsertRowid);
    });
  return { keys, ids, store: unconfirmed, height };
}

/** Connect and disconnect times of blocks of 1,000: the confirmed rows and every trigger. */
function upkeep(store: Store, filled: Filled): BenchResult[] {
  const db = store.database;
  const confirm = db.prepare('INSERT INTO confirmed (post_seq, height, position) VALUES (?, ?, ?)');
  const unconfirm = db.prepare('DELETE FROM confirmed WHERE post_seq = ?');
  const connectAll = (seqs: number[], height: number) => {
    for (const [position, seq] of seqs.entries()) confirm.run(seq, height, position);
  };
  const connect: number[] = [];
  const disconnect: number[] = [];
  for (let b = 0; b < UPKEEP_BLOCKS; b++) {
    const seqs = store.transaction(() => filled.store(PER_BLOCK));
    const height = filled.height + 1 + b;
    let start = process.hrtime.bigint();
    store.transaction(() => connectAll(seqs, height));
    connect.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (b % 2 === 1) {
      // Every other block is disconnected (as in a reorg) and connected again.
      start = process.hrtime.bigint();
      store.transaction(() => {
        for (const seq of seqs) unconfirm.run(seq);
      });
      disconnect.push(Number(process.hrtime.bigint() - start) / 1e6);
      store.transaction(() => connectAll(seqs, height));
    }
  }
  const stats = (times: number[]) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { p50: round(percentile(sorted, 0.5)), max: round(sorted.at(-1)!), runs: sorted.length };
  };
  return [
    {
      name: 'index upkeep: connect a block of 1,000 (85% follows, 12% reactions, 3% replies, 5% posts)',
      value: round(connect.reduce((a, b) => a + b, 0) / connect.length),
      unit: 'ms (mean)',
      ...stats(connect),
    },
    {
      name: 'index upkeep: disconnect a block of 1,000 (reorg)',
      value: round(disconnect.reduce((a, b) => a + b, 0) / disconnect.length),
      unit: 'ms (mean)',
      ...stats(disconnect),
    },
  ];
}

/** Logs the plans of the timeline and notifications statements (stderr), for the README. */
function explain(store: Store, social: SocialQueries, key: string, prolific: string): void {
  const stmts = (social as unknown as { stmts: Record<string, { source: string }> }).stmts;
  for (const name of ['timeline', 'notifications']) {
    const plan = store.database.prepare(`EXPLAIN QUERY PLAN ${stmts[name]!.source}`).all({
      key: name === 'timeline' ? key : prolific,
      before: 1e15,
      limit: 31,
      follows: 5000,
      names: '[]',
    }) as {
      detail: string;
    }[];
    log(`[social] plan ${name}: ${plan.map((row) => row.detail).join(' | ')}`);
  }
}

function latency(name: string, op: (i: number) => unknown): BenchResult {
  for (let i = 0; i < 50; i++) consume(op(i));
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = process.hrtime.bigint();
    consume(op(i));
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return {
    name,
    value: round(percentile(times, 0.99)),
    unit: 'ms (p99)',
    target: TARGET,
    p50: round(percentile(times, 0.5)),
    max: round(times.at(-1)!),
    runs: ITERATIONS,
  };
}

export async function run(): Promise<BenchResult[]> {
  const scale = Math.min(1, Math.max(0.001, Number(process.env.SOCIAL_BENCH_SCALE ?? 1)));
  const size = {
    authors: Math.round(FULL.authors * scale),
    posts: Math.round(FULL.posts * scale),
    follows: FULL.follows,
    reactions: Math.round(FULL.reactions * scale),
    replies: Math.round(FULL.replies * scale),
  };
  const dir = mkdtempSync(join(tmpdir(), 'yournet-bench-social-'));
  try {
    const store = Store.open({ dataDir: dir, params: REGTEST });
    log(`[social] filling: ${JSON.stringify(size)}`);
    const fillStart = process.hrtime.bigint();
    const filled = fill(store, size);
    const keys = filled.keys;
    const fillMs = Number(process.hrtime.bigint() - fillStart) / 1e6;
    const rows = size.posts + size.authors * size.follows + size.reactions + size.replies;
    const tip = store.blocks.bestTip()?.height ?? Math.ceil(rows / PER_BLOCK);
    const social = new SocialQueries({
      db: store.database,
      network: 'regtest',
      crypto: nodeCrypto,
      tipHeight: () => tip,
    });
    const key = (i: number) => keys[(i * 7919) % keys.length]!;
    const prolific = keys[0]!;
    const followers = store.database
      .prepare<[string], string>('SELECT follower FROM follows WHERE target = ? LIMIT 1000')
      .pluck()
      .all(prolific);
    const follower = (i: number) => followers[i % followers.length] ?? prolific;
    explain(store, social, key(1), prolific);
    const results: BenchResult[] = [
      latency('home timeline, first page of 30', (i) => social.timeline(key(i), 30)),
      latency('home timeline, second page of 30', (i) => {
        const first = social.timeline(key(i), 30);
        return first.next === undefined ? first : social.timeline(key(i), 30, first.next);
      }),
      latency('notifications, first page of 30', (i) => social.notifications(key(i), 30)),
      latency('notifications of the prolific key (a tenth of the posts), first page of 30', () =>
        social.notifications(prolific, 30),
      ),
      latency('home timeline of a follower of the prolific key, first page of 30', (i) =>
        social.timeline(follower(i), 30),
      ),
      {
        name: 'index upkeep: confirmed rows written per second while filling (posts and actions)',
        value: Math.round(rows / (fillMs / 1000)),
        unit: 'rows/s',
        rows,
        msPerBlockOf1000: round((1000 / (rows / (fillMs / 1000))) * 1000),
        scale,
      },
      ...upkeep(store, filled),
    ];
    store.close();
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
