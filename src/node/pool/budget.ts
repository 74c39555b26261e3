/**
 * Token buckets of hashes: how much node CPU `/new_transaction` may spend stamping for one client
 * address, and for all of them together (docs/PROTOCOL.md §12.5). A bucket refills at `perMinute`
 * up to `burst`; the map forgets full buckets, so it stays bounded by the active clients.
 */
export interface HashBudgetOptions {
  /** Hashes one client address may have the node spend per minute; default 2^20. */
  readonly perClientPerMinute?: number;
  /** Hashes the node spends for all clients per minute; default 2^23. */
  readonly totalPerMinute?: number;
  /** Most client addresses tracked; the oldest are forgotten beyond it. Default 10,000. */
  readonly maxClients?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class HashBudget {
  readonly perClientPerMinute: number;
  readonly totalPerMinute: number;
  private readonly maxClients: number;
  private readonly clients = new Map<string, Bucket>();
  private readonly total: Bucket;

  constructor(
    private readonly nowMs: () => number = Date.now,
    options: HashBudgetOptions = {},
  ) {
    this.perClientPerMinute = options.perClientPerMinute ?? 2 ** 20;
    this.totalPerMinute = options.totalPerMinute ?? 2 ** 23;
    this.maxClients = options.maxClients ?? 10_000;
    this.total = { tokens: this.totalPerMinute, at: nowMs() };
  }

  /** Whether `client` and the node both have `hashes` left now (nothing is taken). */
  allows(client: string, hashes: number): boolean {
    const now = this.nowMs();
    const bucket = this.clients.get(client);
    const clientTokens =
      bucket === undefined ? this.perClientPerMinute : refill(bucket, now, this.perClientPerMinute);
    return clientTokens >= hashes && refill(this.total, now, this.totalPerMinute) >= hashes;
  }

  /** Charges the hashes actually spent (may go negative: the next posts wait longer). */
  charge(client: string, hashes: number): void {
    const now = this.nowMs();
    let bucket = this.clients.get(client);
    if (bucket === undefined) {
      if (this.clients.size >= this.maxClients) this.clients.delete(this.clients.keys().next().value!);
      bucket = { tokens: this.perClientPerMinute, at: now };
      this.clients.set(client, bucket);
    }
    bucket.tokens = refill(bucket, now, this.perClientPerMinute) - hashes;
    bucket.at = now;
    this.total.tokens = refill(this.total, now, this.totalPerMinute) - hashes;
    this.total.at = now;
  }
}

function refill(bucket: Bucket, now: number, perMinute: number): number {
  bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * perMinute);
  bucket.at = now;
  return bucket.tokens;
}
