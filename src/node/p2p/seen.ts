/**
 * A bounded set that forgets its oldest members first: what this node has already fetched,
 * announced or rejected, so no node processes the same thing twice. Insertion order is a
 * Map's iteration order, so eviction is O(1).
 */
export class BoundedSet {
  private readonly items = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.items.has(key);
  }

  /** Adds `key`; returns false when it was already present. */
  add(key: string): boolean {
    if (this.items.has(key)) return false;
    this.items.set(key, Date.now());
    if (this.items.size > this.capacity) {
      const oldest = this.items.keys().next().value as string;
      this.items.delete(oldest);
    }
    return true;
  }

  delete(key: string): void {
    this.items.delete(key);
  }

  get size(): number {
    return this.items.size;
  }
}
