/**
 * The pending pool ordered by work density (credited stamp work per byte, docs/PROTOCOL.md §12.4),
 * in memory: the lowest entry is the next to evict, the highest the first a block template takes.
 * Ties go to the older post (lower seq). Sorted chunks (at most CHUNK entries each) keep insert,
 * remove and the ends at O(√n)-ish cost for a pool of 100,000 posts without a tree.
 */
export interface DensityEntry {
  readonly seq: number;
  readonly id: string;
  readonly density: number;
  readonly size: number;
}

const CHUNK = 512;

/** Ascending rank: lower density first; among equals the newer post first (evicted first). */
function before(a: DensityEntry, b: DensityEntry): boolean {
  return a.density < b.density || (a.density === b.density && a.seq > b.seq);
}

export class DensityIndex {
  private chunks: DensityEntry[][] = [];
  private readonly bySeq = new Map<number, DensityEntry>();
  private totalBytes = 0;
  private changes = 0;

  /** Counts every change: a derived figure cached with it is current while it is unchanged. */
  get version(): number {
    return this.changes;
  }

  get count(): number {
    return this.bySeq.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  has(seq: number): boolean {
    return this.bySeq.has(seq);
  }

  get(seq: number): DensityEntry | undefined {
    return this.bySeq.get(seq);
  }

  /** Adds an entry; a seq already present is replaced. */
  add(entry: DensityEntry): void {
    if (this.bySeq.has(entry.seq)) this.remove(entry.seq);
    this.bySeq.set(entry.seq, entry);
    this.totalBytes += entry.size;
    this.changes++;
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([entry]);
      return;
    }
    // The first chunk whose last entry ranks after the new one (or the last chunk).
    let c = 0;
    let hi = chunks.length - 1;
    while (c < hi) {
      const mid = (c + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (before(entry, chunk[chunk.length - 1]!)) hi = mid;
      else c = mid + 1;
    }
    const chunk = chunks[c]!;
    chunk.splice(position(chunk, entry), 0, entry);
    if (chunk.length > CHUNK) chunks.splice(c + 1, 0, chunk.splice(CHUNK >>> 1));
  }

  /** Removes the entry of `seq`; returns it, or undefined when absent. */
  remove(seq: number): DensityEntry | undefined {
    const entry = this.bySeq.get(seq);
    if (entry === undefined) return undefined;
    this.bySeq.delete(seq);
    this.totalBytes -= entry.size;
    this.changes++;
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid]!;
      if (before(chunk[chunk.length - 1]!, entry)) lo = mid + 1;
      else hi = mid;
    }
    const chunk = chunks[lo]!;
    const at = chunk.indexOf(entry, Math.max(0, position(chunk, entry) - 1));
    chunk.splice(at, 1);
    if (chunk.length === 0) chunks.splice(lo, 1);
    return entry;
  }

  /** The entry to evict first: lowest density, newest among equals. */
  lowest(): DensityEntry | undefined {
    return this.chunks[0]?.[0];
  }

  /** Entries from the densest down (oldest first among equals). */
  *descending(): Generator<DensityEntry> {
    for (let c = this.chunks.length - 1; c >= 0; c--) {
      const chunk = this.chunks[c]!;
      for (let i = chunk.length - 1; i >= 0; i--) yield chunk[i]!;
    }
  }

  /** Entries from the lowest up (the eviction order). */
  *ascending(): Generator<DensityEntry> {
    for (const chunk of this.chunks) yield* chunk;
  }

  clear(): void {
    this.chunks = [];
    this.bySeq.clear();
    this.totalBytes = 0;
    this.changes++;
  }
}

/** Index in a sorted chunk where `entry` goes (the first element not ranking before it). */
function position(chunk: readonly DensityEntry[], entry: DensityEntry): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(chunk[mid]!, entry)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
