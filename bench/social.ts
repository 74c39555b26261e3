/**
 * The `social` suite: home timeline and notifications latency on a store of 100,000 posts by
 * 10,000 authors who follow 200 keys each (2,000,000 follow actions), with 100,000 reactions
 * and 20,000 replies; and the index upkeep of one connected block. `SOCIAL_BENCH_SCALE` (0–1)
 * shrinks authors and posts (follows per author stay 200), for a quick run on a small machine.
 *
 * The store is filled with SQL, not through Chain.acceptBlock: what is measured is the read
 * path over the action log (src/node/social/queries.ts); the log itself is written by the same
 * triggers on `confirmed` as in a node, so the fill also exercises the upkeep.
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

/** Fills the store: posts, then follows, reactions and replies, confirmed in blocks of 1,000. */
function fill(store: Store, size: typeof FULL): string[] {
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
  store.transaction(() => {
    for (let i = 0; i < size.posts; i++) ids.push(add(`post ${i}`, keys[i % keys.length]!, null, null, null));
    for (const key of keys) for (let f = 0; f < size.follows; f++) add('follow', key, 'follow', pick(), null);
    for (let i = 0; i < size.reactions; i++)
      add('👍', pick(), 'react', ids[Math.floor(random() * ids.length)]!, null);
    for (let i = 0; i < size.replies; i++)
      add('a reply', pick(), null, null, ids[Math.floor(random() * ids.length)]!);
  });
  return keys;
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
    const keys = fill(store, size);
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
    const results: BenchResult[] = [
      latency('home timeline, first page of 30', (i) => social.timeline(key(i), 30)),
      latency('home timeline, second page of 30', (i) => {
        const first = social.timeline(key(i), 30);
        return first.next === undefined ? first : social.timeline(key(i), 30, first.next);
      }),
      latency('notifications, first page of 30', (i) => social.notifications(key(i), 30)),
      {
        name: 'index upkeep: confirmed rows written per second while filling (posts and actions)',
        value: Math.round(rows / (fillMs / 1000)),
        unit: 'rows/s',
        rows,
        msPerBlockOf1000: round((1000 / (rows / (fillMs / 1000))) * 1000),
        scale,
      },
    ];
    store.close();
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
