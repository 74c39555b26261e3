/**
 * The `social` suite: home timeline and notifications latency on a store of 100,000 posts by
 * 10,000 authors who follow 200 keys each (2,000,000 follow actions), with 100,000 reactions
 * and 20,000 replies; and the index upkeep of one connected block. `SOCIAL_BENCH_SCALE` (0–1)
 * shrinks authors and posts (follows per author stay 200), for a quick run on a small machine.
 * One author is prolific (a tenth of the posts, so about a tenth of the reactions and replies
 * go to it): its notifications and the timelines of its followers must stay bounded too.
 * `SOCIAL_BENCH_DIR` keeps the filled store in that directory, and a later run with the same
 * directory and scale reads it again instead of refilling (the reads only: the upkeep would
 * add blocks to it; the first run's upkeep blocks stay in it).
 *
 * The store is filled with SQL, not through Chain.acceptBlock: what is measured is the read
 * path (src/node/social/queries.ts) and the index upkeep, which the same triggers on `confirmed`
 * do as in a node: upkeep is timed as the confirmed rows of one block of 1,000 mixed posts and
 * actions written (connect) and removed (disconnect, as in a reorg), triggers included.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex, utf8 } from '#core/bytes.ts';
import { REGTEST } from '#core/params.ts';
import { NAME_PARAMS, nameCommitment } from '#core/social/index.ts';
import { nodeCrypto } from '#node/crypto-node.ts';
import { SocialQueries } from '#node/social/queries.ts';
import { DERIVED_TABLES, REBUILD_STEPS, withoutTriggers } from '#node/social/rebuild.ts';
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

/** How the fill derives the social tables: dropped triggers and one set-based pass, or the triggers. */
export type Derive = 'set' | 'triggers';

// Deterministic pseudo-random numbers in SQL (a seedable random() SQLite lacks): two rounds of
// multiplicative hashing modulo a prime, every product below 2^63 (SQLite turns an overflow
// into a float).
const PRIME = 4_294_967_311;
const hashSql = (n: string, salt: number) =>
  `((((${n} + ${salt * 7919}) * 2654435761) % ${PRIME} * 1597334677 + ${salt}) % ${PRIME} & 4294967295)`;
/** A 64-hex id, unique per (tag, n): six hashed words, the tag and n itself. */
const hexSql = (n: string, tag: number) =>
  `printf('${'%08x'.repeat(8)}', ${[1, 2, 3, 4, 5, 6].map((s) => hashSql(n, tag * 8 + s)).join(', ')}, ${tag}, ${n})`;
const TAG_POST = 1;
const TAG_KEY = 2;
const TAG_BLOCK = 3;
/** Blocks of the name claims: commits at height 1, reveals after the main net's reveal delay. */
const NAME_NETWORK = 'main';
const COMMIT_HEIGHT = 1;
const REVEAL_HEIGHT = 1 + NAME_PARAMS[NAME_NETWORK].revealDelay;
const FIRST_HEIGHT = REVEAL_HEIGHT + 1;
/** Every MENTION_EVERY-th plain post and reply mentions a name (half of them the prolific key's). */
const MENTION_EVERY = 50;

/**
 * Fills the store in chain order, blocks of 1,000: a hundredth of the keys claim a name (commit,
 * then reveal), then the posts, the follows, the reactions and the replies, with SQL over a
 * recursive counter (no row goes through JS). `set` (the bench): triggers and the posts'
 * secondary indexes off during the load, the indexes built after it, the social tables derived
 * in one set-based pass (social/rebuild.ts); `triggers`: every confirmed row through the
 * triggers, as a node connects blocks (test/node/social/rebuild.test.ts compares both).
 */
export function fill(
  store: Store,
  size: typeof FULL,
  derive: Derive = 'set',
  progress: (phase: string) => void = () => {},
): Filled {
  const db = store.database;
  const random = rng(42);
  const sig = '00'.repeat(64);
  const named = Math.max(1, Math.floor(size.authors / 100));
  const rows = size.posts + size.authors * size.follows + size.reactions + size.replies;
  const height = FIRST_HEIGHT + Math.ceil(rows / PER_BLOCK) - 1;
  const keys = filledSeries(store, size.authors, TAG_KEY);
  const nameOf = (k: number) => (k === 0 ? 'prolific' : `user_${k}`);
  const insertPost = db.prepare(
    `INSERT INTO posts (id, author, content, timestamp, pubkey, reply_to, signature, size, received_at, kind, ref)
     VALUES (?, 'a', ?, 1, ?, ?, ?, 200, 0, ?, ?)`,
  );
  const confirm = db.prepare('INSERT INTO confirmed (post_seq, height, position) VALUES (?, ?, ?)');
  let n = 0;
  const hex = () => toHex(nodeCrypto.sha256(utf8(`bench ${++n}`)));
  /** The name claims: a commit and its reveal per named key (JS: the commitment is a hash). */
  const names = () => {
    for (let k = 0; k < named; k++) {
      const key = keys[k * Math.floor(size.authors / named)]!;
      const salt = `salt${k}`;
      const commitment = nameCommitment(nameOf(k), key, salt, nodeCrypto);
      const commit = insertPost.run(hex(), 'commit', key, null, sig, 'name_commit', commitment);
      confirm.run(Number(commit.lastInsertRowid), COMMIT_HEIGHT, k);
      const reveal = insertPost.run(hex(), nameOf(k), key, null, sig, 'name', salt);
      confirm.run(Number(reveal.lastInsertRowid), REVEAL_HEIGHT, k);
    }
  };
  // One row per g, in chain order: posts, follows, reactions, replies.
  const P = size.posts;
  const F = P + size.authors * size.follows;
  const R = F + size.reactions;
  const keyAt = (i: string) => hexSql(i, TAG_KEY);
  const pick = (salt: number) => keyAt(`${hashSql('g', salt)} % ${size.authors}`);
  const postPick = hexSql(`${hashSql('g', 3)} % ${P}`, TAG_POST);
  const mention = `CASE WHEN g % ${MENTION_EVERY} = ${MENTION_EVERY / 2} THEN ' @' || CASE WHEN ${hashSql('g', 4)} % 2 = 0
    THEN 'prolific' ELSE 'user_' || (1 + ${hashSql('g', 5)} % ${Math.max(1, named - 1)}) END ELSE '' END`;
  const bulk = (base: number) =>
    db.prepare(`
    INSERT INTO posts (seq, id, author, content, timestamp, pubkey, reply_to, signature, size, received_at, kind, ref)
    WITH RECURSIVE n(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM n WHERE g + 1 < ${rows})
    SELECT ${base} + g, ${hexSql('g', TAG_POST)}, 'a',
      CASE WHEN g < ${P} THEN 'post ' || g || ${mention} WHEN g < ${F} THEN 'follow' WHEN g < ${R} THEN '👍'
        ELSE 'a reply' || ${mention} END,
      1,
      CASE WHEN g < ${P} THEN (CASE WHEN g % 10 = 0 THEN ${keyAt('0')} ELSE ${keyAt(`g % ${size.authors}`)} END)
        WHEN g < ${F} THEN ${keyAt(`(g - ${P}) / ${size.follows}`)} ELSE ${pick(1)} END,
      CASE WHEN g >= ${R} THEN ${postPick} END,
      @sig, 200, 0,
      CASE WHEN g < ${P} OR g >= ${R} THEN NULL WHEN g < ${F} THEN 'follow' ELSE 'react' END,
      CASE WHEN g < ${P} OR g >= ${R} THEN NULL WHEN g < ${F} THEN ${pick(2)} ELSE ${postPick} END
    FROM n`);
  const load = () => {
    names();
    progress('names');
    const base = (db.prepare('SELECT coalesce(max(seq), 0) FROM posts').pluck().get() as number) + 1;
    bulk(base).run({ sig });
    progress('posts');
    db.prepare(`INSERT INTO post_mentions (name, post_seq)
      SELECT substr(content, instr(content, ' @') + 2), seq FROM posts
      WHERE seq >= ? AND kind IS NULL AND instr(content, ' @') > 0`).run(base);
    db.prepare(`INSERT INTO confirmed (post_seq, height, position)
      SELECT seq, ${FIRST_HEIGHT} + (seq - ${base}) / ${PER_BLOCK}, (seq - ${base}) % ${PER_BLOCK}
      FROM posts WHERE seq >= ${base} ORDER BY seq`).run();
    progress('mentions and confirmed');
    db.prepare(`WITH RECURSIVE h(h) AS (SELECT 1 UNION ALL SELECT h + 1 FROM h WHERE h < ${height})
      INSERT INTO best_chain (height, hash) SELECT h, ${hexSql('h', TAG_BLOCK)} FROM h`).run();
  };
  if (derive === 'triggers') store.transaction(load);
  else {
    // Secondary indexes of the loaded and derived tables: each built once after its table is
    // filled (a sort) rather than row by row into B-trees of random keys.
    const indexes = db
      .prepare<[], { name: string; sql: string; table: string }>(
        `SELECT name, sql, tbl_name AS "table" FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
         AND tbl_name IN ('posts', 'confirmed', 'post_mentions', ${DERIVED_TABLES.map((t) => `'${t}'`).join(', ')})`,
      )
      .all();
    const build = (tables: readonly string[]) => {
      for (const { sql, table } of indexes) if (tables.includes(table)) db.exec(sql);
    };
    withoutTriggers(db, () => {
      for (const { name } of indexes) db.exec(`DROP INDEX "${name}"`);
      load();
      build(['posts', 'confirmed', 'post_mentions']);
      progress('indexes');
      db.exec(REBUILD_STEPS.clear);
      for (const table of DERIVED_TABLES) {
        db.exec(REBUILD_STEPS[table]);
        build([table]);
        progress(table);
      }
    });
  }
  const ids = filledSeries(store, size.posts, TAG_POST);
  const randomKey = () => keys[Math.floor(random() * keys.length)]!;
  // Mixed blocks for the upkeep: posts, follows, reactions, replies in the fill's proportions.
  const unconfirmed = (count: number): number[] =>
    Array.from({ length: count }, (_, i) => {
      const id = hex();
      const r = random();
      const ref = ids[Math.floor(random() * ids.length)]!;
      const row =
        r < 0.05
          ? insertPost.run(id, 'post', randomKey(), null, sig, null, null)
          : r < 0.85
            ? insertPost.run(id, 'follow', randomKey(), null, sig, 'follow', randomKey())
            : r < 0.97
              ? insertPost.run(id, '👍', randomKey(), null, sig, 'react', ref)
              : insertPost.run(id, `reply ${i}`, randomKey(), ref, sig, null, null);
      return Number(row.lastInsertRowid);
    });
  return { keys, ids, store: unconfirmed, height };
}

/**
 * The `count` hex values the fill derives from 0, 1, … with `tag`, in the fill's order: its keys
 * (TAG_KEY; the first is the prolific key) or its plain posts' ids (TAG_POST).
 */
function filledSeries(store: Store, count: number, tag: typeof TAG_KEY | typeof TAG_POST): string[] {
  return store.database
    .prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
      SELECT ${hexSql('i', tag)} FROM n`)
    .pluck()
    .all(count) as string[];
}

/** What the reads need of a store filled by an earlier run (SOCIAL_BENCH_DIR). */
function refilled(store: Store, size: typeof FULL): Filled {
  const keys = filledSeries(store, size.authors, TAG_KEY);
  const height = store.database.prepare('SELECT max(height) FROM best_chain').pluck().get() as number;
  const stored = store.database
    .prepare('SELECT count(*) FROM posts WHERE pubkey = ?')
    .pluck()
    .get(keys[0]) as number;
  if (stored < size.posts / 10) throw new Error('SOCIAL_BENCH_DIR holds a store of another size');
  return {
    keys,
    ids: filledSeries(store, size.posts, TAG_POST),
    height,
    store: () => {
      throw new Error('a kept store is read, not extended');
    },
  };
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
  const sources: Record<string, string> = {
    timeline: social.timelines.source,
    notifications: stmts.notifications!.source,
  };
  for (const name of ['timeline', 'notifications']) {
    const plan = store.database.prepare(`EXPLAIN QUERY PLAN ${sources[name]!}`).all({
      key: name === 'timeline' ? key : prolific,
      before: 1e15,
      limit: 31,
      follows: 5000,
      names: name === 'timeline' ? '[]' : '["prolific"]',
    }) as {
      detail: string;
    }[];
    log(`[social] plan ${name}: ${plan.map((row) => row.detail).join(' | ')}`);
  }
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

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
  const kept = process.env.SOCIAL_BENCH_DIR;
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'yournet-bench-social-'));
  const reuse = kept !== undefined && existsSync(join(kept, 'yournet.sqlite'));
  try {
    if (kept !== undefined) mkdirSync(kept, { recursive: true });
    const store = Store.open({ dataDir: dir, params: REGTEST });
    const fillStart = process.hrtime.bigint();
    const fillCpu = process.cpuUsage();
    const db = store.database;
    let filled: Filled;
    if (reuse) {
      log(`[social] reading the store kept in ${dir}: ${JSON.stringify(size)}`);
      filled = refilled(store, size);
    } else {
      log(`[social] filling: ${JSON.stringify(size)}`);
      // The bench's own load only: no journal, no fsync, a large page cache; a node's settings
      // (store/database.ts) again for the measurements.
      db.pragma('journal_mode = DELETE'); // SQLite goes from WAL to OFF only through a rollback mode
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.pragma('cache_size = -3000000'); // 3 GB: the whole store, so the derivation never rereads
      filled = fill(store, size, 'set', (phase) =>
        log(`[social] fill: ${phase} at ${round(Number(process.hrtime.bigint() - fillStart) / 1e9)} s`),
      );
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('cache_size = -32000');
    }
    const fillCpuMs = cpuMs(process.cpuUsage(fillCpu));
    const keys = filled.keys;
    const fillMs = Number(process.hrtime.bigint() - fillStart) / 1e6;
    const rows = size.posts + size.authors * size.follows + size.reactions + size.replies;
    const tip = store.blocks.bestTip()?.height ?? Math.ceil(rows / PER_BLOCK);
    const social = new SocialQueries({
      db: store.database,
      network: NAME_NETWORK,
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
    ];
    if (reuse) log('[social] a kept store: no fill measured, no upkeep (it would add blocks to the store)');
    else
      results.push(
        {
          name: 'fill: confirmed rows per second (posts and actions, set-based, social tables derived in one pass)',
          value: Math.round(rows / (fillMs / 1000)),
          unit: 'rows/s',
          rows,
          fillSeconds: round(fillMs / 1000),
          fillCpuSeconds: round(fillCpuMs / 1000),
          scale,
        },
        ...upkeep(store, filled),
      );
    store.close();
    return results;
  } finally {
    if (kept === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
