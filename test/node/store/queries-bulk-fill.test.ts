/**
 * The million suite fills its store by set-based SQL (bench/bulk-fill.ts) instead of
 * Chain.acceptBlock. Its figures mean something only if that store is the node's: the same
 * schema objects and the same rows, social tables (migration 7) and full-text index included.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { fillStore } from '../../../bench/node-queries.ts';
import type { StoreShape } from '../../../bench/store-data.ts';

const SHAPE: StoreShape = { confirmed: 1_200, perBlock: 300, pending: 60, authors: 25, longTail: true };

/** Rows of a table in a stable order, with the arrival times (wall clock) blanked. */
function rows(db: Database.Database, table: string): unknown[] {
  return db
    .prepare(`SELECT * FROM ${table} ORDER BY 1, 2`)
    .all()
    .map((row) => ({ ...(row as object), received_at: undefined }));
}

describe('bulk fill of the million suite', () => {
  let root: string;
  let accepted: Database.Database;
  let bulk: Database.Database;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'yournet-bulk-fill-'));
    fillStore(join(root, 'accept'), { ...SHAPE, fill: 'accept' });
    fillStore(join(root, 'bulk'), { ...SHAPE, fill: 'bulk' });
    accepted = new Database(join(root, 'accept', 'yournet.sqlite'), { readonly: true });
    bulk = new Database(join(root, 'bulk', 'yournet.sqlite'), { readonly: true });
  });

  after(() => {
    accepted?.close();
    bulk?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('ends with the same schema objects (tables, indexes, triggers) and schema version', () => {
    const schema = (db: Database.Database) =>
      db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
    assert.deepEqual(schema(bulk), schema(accepted));
    assert.equal(
      bulk.pragma('user_version', { simple: true }),
      accepted.pragma('user_version', { simple: true }),
    );
    assert.equal(bulk.pragma('journal_mode', { simple: true }), 'wal');
  });

  it('holds the same rows in every table of the node, derived social tables included', () => {
    const tables = accepted
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'posts_fts%' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .pluck()
      .all() as string[];
    assert.ok(tables.includes('timeline_posts') && tables.includes('notices'));
    for (const table of tables) assert.deepEqual(rows(bulk, table), rows(accepted, table), table);
    // The data exercise the derived tables: replies notify their parents' keys.
    const count = (table: string) =>
      accepted.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    assert.equal(count('timeline_posts'), SHAPE.confirmed);
    assert.ok(count('notices') > SHAPE.confirmed / 10, `${count('notices')} notices`);
    assert.equal(count('pending'), SHAPE.pending);
    assert.equal(count('block_merkle_subtrees'), SHAPE.confirmed / SHAPE.perBlock);
  });

  it('indexes the full text alike, and the index is sound', () => {
    const match = (db: Database.Database, q: string) =>
      db.prepare('SELECT rowid FROM posts_fts WHERE posts_fts MATCH ? ORDER BY rowid').pluck().all(q);
    for (const q of ['blockchain', 'zanzibar', 'author', '"network" AND "the"']) {
      assert.deepEqual(match(bulk, q), match(accepted, q), q);
    }
    assert.ok(match(bulk, 'blockchain').length > SHAPE.confirmed / 3);
    assert.equal(bulk.pragma('integrity_check', { simple: true }), 'ok');
    const mark = (db: Database.Database) =>
      db.prepare(`SELECT value FROM meta WHERE key = 'fts_indexed_seq'`).pluck().get();
    assert.equal(mark(bulk), String(SHAPE.confirmed + SHAPE.pending));
    assert.equal(mark(bulk), mark(accepted));
  });
});
