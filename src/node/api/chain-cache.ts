import type { Block } from '../../core/block.ts';

/** What the cache reads: the best chain's hashes and pages of its blocks. */
export interface ChainSource {
  bestHashAt(height: number): string | undefined;
  chainPage(start: number, limit: number): Block[];
}

/** Blocks read from the store per fill: one short turn of the event loop. */
const FILL_PAGE = 50;

/**
 * The JSON text of each best-chain block by height, a prefix of the chain, shared by every
 * GET /chain (and /register_node) answer: N clients cost one serialisation per block, not N.
 * Checked against the best chain before each use (a reorg pops the blocks it took off), and
 * bounded in bytes: past `maxBytes` the rest is read from the store for each answer as before.
 */
export class ChainJsonCache {
  private readonly hashes: string[] = [];
  private readonly texts: string[] = [];
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

  /** The JSON texts of the blocks at heights [start, start + count), at most one fill page read. */
  page(start: number, count: number): string[] {
    this.revalidate();
    const end = start + count;
    const out: string[] = [];
    let height = start;
    for (; height < end && height < this.texts.length; height++) out.push(this.texts[height]!);
    if (height >= end) return out;
    const blocks = this.source.chainPage(height, Math.min(FILL_PAGE, end - height));
    for (const block of blocks) {
      const text = JSON.stringify(block);
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
