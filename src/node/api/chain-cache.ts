import type { Block } from '../../core/block.ts';

/** What the cache reads: the best chain's hashes and pages of its blocks. */
export interface ChainSource {
  bestHashAt(height: number): string | undefined;
  chainPage(start: number, limit: number): Block[];
}

/** Bytes of block JSON one call hands out (and roughly reads): one short turn of the event loop. */
const TURN_BYTES = 1024 * 1024;
/** Most blocks read from the store per call. */
const MAX_FILL = 50;

/**
 * The JSON (UTF-8 bytes) of each best-chain block by height, a prefix of the chain, shared by every
 * GET /chain (and /register_node) answer: N clients cost one serialisation per block, not N.
 * Checked against the best chain before each use (a reorg pops the blocks it took off), and
 * bounded in bytes: past `maxBytes` the rest is read from the store for each answer as before.
 */
export class ChainJsonCache {
  private readonly hashes: string[] = [];
  /** UTF-8 bytes, encoded once: answers copy them to sockets without re-encoding. */
  private readonly texts: Buffer[] = [];
  private bytes = 0;

  constructor(
    private readonly source: ChainSource,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** Blocks cached now (for tests). */
  get size(): number {
    return this.texts.length;
  }

  /** Drops cached blocks that are no longer on the best chain (after a reorg). */
  private revalidate(): void {
    let top = this.hashes.length - 1;
    while (top >= 0 && this.source.bestHashAt(top) !== this.hashes[top]) {
      this.bytes -= this.texts[top]!.length;
      this.hashes.pop();
      this.texts.pop();
      top--;
    }
  }

  /**
   * The JSON of the blocks from `start`, at most `count`, stopping once about
   * {@link TURN_BYTES} are handed out (always one block): the caller asks again from where it got.
   */
  page(start: number, count: number): Buffer[] {
    this.revalidate();
    const end = start + count;
    const out: Buffer[] = [];
    let bytes = 0;
    let height = start;
    for (; height < end && height < this.texts.length && bytes < TURN_BYTES; height++) {
      const text = this.texts[height]!;
      out.push(text);
      bytes += text.length;
    }
    if (height >= end || bytes >= TURN_BYTES) return out;
    // Read as many blocks as fit a turn at the cached blocks' average size.
    const average = this.texts.length > 0 ? this.bytes / this.texts.length : TURN_BYTES / 8;
    const fill = Math.max(1, Math.min(MAX_FILL, end - height, Math.floor((TURN_BYTES - bytes) / average)));
    for (const block of this.source.chainPage(height, fill)) {
      const text = Buffer.from(JSON.stringify(block));
      out.push(text);
      // Cache only what extends the prefix, and only while within the byte bound.
      if (height === this.texts.length && this.bytes + text.length <= this.maxBytes) {
        this.hashes.push(block.hash);
        this.texts.push(text);
        this.bytes += text.length;
      }
      height++;
    }
    return out;
  }
}
