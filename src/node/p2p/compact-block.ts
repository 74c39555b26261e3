import type { Block } from '../../core/block.ts';
import type { Post } from '../../core/post.ts';
import { SHORT_ID_CHARS } from './messages.ts';

/**
 * The short id of a post (docs/PROTOCOL.md §11.8): the first 8 bytes of its id, in hex. Not
 * salted: a pair of colliding posts costs 2^32 post hashes to grind and buys only a fallback
 * to the full block (the merkle root check catches a wrong pick), never a wrong block.
 */
export function shortId(id: string): string {
  return id.slice(0, SHORT_ID_CHARS);
}

/** The compact form a node serves for one of its blocks: header fields with the hash, short ids. */
export function compactForm(block: Block, ids: readonly string[]): { header: unknown; ids: string[] } {
  const { transactions: _posts, ...header } = block;
  return { header, ids: ids.map(shortId) };
}

/** Most full ids kept under one short id; more would only be an attacker's collisions. */
const MAX_PER_SHORT_ID = 4;

/**
 * Short id → full ids of posts this node has seen (every post that entered the pool, and the
 * pool at start), so a compact block is rebuilt without scanning the pool. Bounded: the oldest
 * entries are forgotten first; a forgotten post is merely fetched from the peer.
 */
export class ShortIdIndex {
  private readonly map = new Map<string, string[]>();

  constructor(private readonly capacity: number) {}

  add(id: string): void {
    const key = shortId(id);
    const ids = this.map.get(key);
    if (ids === undefined) {
      this.map.set(key, [id]);
      if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
    } else if (!ids.includes(id) && ids.length < MAX_PER_SHORT_ID) {
      ids.push(id);
    }
  }

  candidates(short: string): readonly string[] {
    return this.map.get(short) ?? [];
  }

  get size(): number {
    return this.map.size;
  }
}

/** A compact block's posts as far as this node could fill them, and the positions it lacks. */
export interface Rebuilt {
  readonly posts: (Post | undefined)[];
  readonly ids: (string | undefined)[];
  readonly missing: number[];
}

/**
 * Fills each short id with the one stored post it names. A short id with no stored candidate,
 * or with several (a collision here), is left for the peer to serve by position.
 */
export function rebuild(
  shortIds: readonly string[],
  index: Pick<ShortIdIndex, 'candidates'>,
  storedPost: (id: string) => Post | undefined,
): Rebuilt {
  const posts: (Post | undefined)[] = [];
  const ids: (string | undefined)[] = [];
  const missing: number[] = [];
  for (let i = 0; i < shortIds.length; i++) {
    let found: { id: string; post: Post } | undefined;
    let ambiguous = false;
    for (const id of index.candidates(shortIds[i]!)) {
      const post = storedPost(id);
      if (post === undefined) continue;
      if (found !== undefined) ambiguous = true;
      found = { id, post };
    }
    if (found === undefined || ambiguous) {
      posts.push(undefined);
      ids.push(undefined);
      missing.push(i);
    } else {
      posts.push(found.post);
      ids.push(found.id);
    }
  }
  return { posts, ids, missing };
}
