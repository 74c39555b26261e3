import assert from 'node:assert/strict';
import type { Db } from '#node/store/database.ts';
import { MIGRATIONS } from '#node/store/schema.ts';

/** Migration 7's social_confirm trigger, as released (migration 9 split it in two). */
export function releasedSocialConfirm(): string {
  const match = /CREATE TRIGGER social_confirm AFTER INSERT ON confirmed BEGIN[\s\S]*?\n {2}END;/.exec(
    MIGRATIONS[6]!,
  );
  assert.ok(match, 'migration 7 defines social_confirm');
  return match[0];
}

/**
 * Turns a current store back into what release 7 left, rows kept: migration 9's split trigger
 * replaced by the released one, migration 8's mention_places and its triggers dropped, and
 * user_version 7. The upgrade tests then open it with every later migration to run.
 */
export function downgradeToVersion7(db: Db): void {
  downgradeToVersion9(db);
  const mentionObjects = db
    .prepare<[], { type: string; name: string }>(
      "SELECT type, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'mention_places%'",
    )
    .all();
  db.transaction(() => {
    db.exec(`DROP TRIGGER social_confirm_action; DROP TRIGGER social_confirm; ${releasedSocialConfirm()}`);
    for (const { name } of mentionObjects) db.exec(`DROP TRIGGER ${name}`);
    db.exec('DROP TABLE mention_places');
    db.pragma('user_version = 7');
  })();
}

/** Undoes migration 12 (the social pages' partial indexes, key_heads), rows of the other tables kept. */
export function downgradeToVersion11(db: Db): void {
  db.transaction(() => {
    db.exec(`DROP INDEX social_post_acts; DROP INDEX social_names;
      DROP TRIGGER key_heads_in; DROP TRIGGER key_heads_out; DROP TABLE key_heads`);
    db.pragma('user_version = 11');
  })();
}

/** Undoes migrations 12 and 11 (block_merkle_subtrees), rows of the other tables kept. */
export function downgradeToVersion10(db: Db): void {
  downgradeToVersion11(db);
  db.transaction(() => {
    db.exec('DROP TABLE block_merkle_subtrees');
    db.pragma('user_version = 10');
  })();
}

/** Undoes migrations 12, 11 and 10 (reply_counts and its triggers), rows of the other tables kept. */
export function downgradeToVersion9(db: Db): void {
  downgradeToVersion10(db);
  db.transaction(() => {
    for (const name of ['confirm', 'unconfirm', 'pend', 'unpend'])
      db.exec(`DROP TRIGGER reply_count_${name}`);
    db.exec('DROP TABLE reply_counts');
    db.pragma('user_version = 9');
  })();
}
