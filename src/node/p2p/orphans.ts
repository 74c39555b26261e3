import type { Block } from '../../core/block.ts';

export interface Orphan {
  readonly block: Block;
  /** The peer that sent it, to be blamed if it turns out invalid. */
  readonly from: string;
  readonly size: number;
}

/**
 * Blocks whose parent is unknown, kept until the parent arrives (Bitcoin's mapOrphanBlocks).
 * Only blocks that passed stateless validation (proof of work included) enter, so filling the
 * pool costs real work; it is bounded by count and bytes, the oldest evicted first.
 */
export class OrphanPool {
  private readonly byHash = new Map<string, Orphan>();
  private bytes = 0;

  constructor(
    private readonly maxBlocks = 100,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  get size(): number {
    return this.byHash.size;
  }

  add(orphan: Orphan): void {
    if (this.byHash.has(orphan.block.hash) || orphan.size > this.maxBytes) return;
    this.byHash.set(orphan.block.hash, orphan);
    this.bytes += orphan.size;
    while (this.byHash.size > this.maxBlocks || this.bytes > this.maxBytes) {
      const [hash, oldest] = this.byHash.entries().next().value as [string, Orphan];
      this.byHash.delete(hash);
      this.bytes -= oldest.size;
    }
  }

  /** Removes and returns the orphans whose parent is `hash`. */
  takeChildren(hash: string): Orphan[] {
    const children: Orphan[] = [];
    for (const orphan of this.byHash.values()) {
      if (orphan.block.previous_hash === hash) children.push(orphan);
    }
    for (const child of children) {
      this.byHash.delete(child.block.hash);
      this.bytes -= child.size;
    }
    return children;
  }

  /** The lowest ancestor hash among the orphans that is missing (its parent is not an orphan). */
  roots(): string[] {
    const roots = new Set<string>();
    for (const orphan of this.byHash.values()) {
      if (!this.byHash.has(orphan.block.previous_hash)) roots.add(orphan.block.previous_hash);
    }
    return [...roots];
  }
}
