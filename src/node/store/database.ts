import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { NetworkParams } from '../../core/params.ts';
import { MIGRATIONS } from './schema.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** Directory of the node's data; `:memory:` for a throwaway database (tests). */
  readonly dataDir: string;
  readonly params: NetworkParams;
  /**
   * `normal` (default) survives a crash of the process (kill -9): WAL commits reach the OS
   * before the answer. `full` also survives power loss, at an fsync per commit.
   */
  readonly synchronous?: 'normal' | 'full';
}

/** SQLite's page cache, KiB: memory stays bounded whatever the chain length. */
export const CACHE_KIB = 32_000;

export class DataDirError extends Error {
  override name = 'DataDirError';
}

/**
 * Opens (creating if needed) the node's SQLite database, applies pending migrations, and
 * checks that the data directory belongs to the same network and genesis. Internal to the
 * store: everyone else opens a data directory with Store.open (store/store.ts).
 */
export function openDatabase(options: OpenOptions): Db {
  let file = ':memory:';
  if (options.dataDir !== ':memory:') {
    mkdirSync(options.dataDir, { recursive: true });
    file = join(options.dataDir, 'yournet.sqlite');
  }
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${CACHE_KIB}`);
    migrate(db);
    checkNetwork(db, options.params);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new DataDirError(
      `the data directory was written by a newer YourNet (schema ${current}, this one knows ${MIGRATIONS.length})`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

function checkNetwork(db: Db, params: NetworkParams): void {
  const read = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const network = read.get('network')?.value;
  const genesis = read.get('genesis')?.value;
  if (network === undefined) {
    const write = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      write.run('network', params.name);
      write.run('genesis', params.genesisHash);
    })();
    return;
  }
  if (network !== params.name || genesis !== params.genesisHash) {
    throw new DataDirError(
      `the data directory holds network "${network}" (genesis ${genesis}), not "${params.name}" (genesis ${params.genesisHash})`,
    );
  }
}
