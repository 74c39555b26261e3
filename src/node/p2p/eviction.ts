/**
 * Which inbound peer to drop when the inbound slots are full and another node asks for one:
 * Bitcoin Core's AttemptToEvictConnection, simplified (docs/PROTOCOL.md §11.4). Pure: the
 * peer manager hands it the inbound peers and disconnects the one it names.
 */
export interface EvictionCandidate {
  readonly id: string;
  /** The address group of the peer's source IP (address.ts addressGroup). */
  readonly group: string;
  /** Round trip of the connect-back check, ms. */
  readonly latencyMs: number;
  /** When the peer last sent a block new to this node (0: never). */
  readonly lastBlockAt: number;
  readonly connectedAt: number;
}

/** Removes up to `count` candidates, best first by `better`, from `pool`. */
function protect(
  pool: EvictionCandidate[],
  count: number,
  better: (a: EvictionCandidate, b: EvictionCandidate) => number,
  eligible: (c: EvictionCandidate) => boolean = () => true,
): EvictionCandidate[] {
  const kept = new Set(pool.filter(eligible).sort(better).slice(0, count));
  return pool.filter((candidate) => !kept.has(candidate));
}

/**
 * The id of the peer to evict, or undefined when every inbound peer is protected. With n
 * inbound peers, protected in turn:
 * 1. ⌈n/8⌉ from the rarest address groups, one per group (an attacker on one network cannot
 *    push out peers from others);
 * 2. ⌈n/4⌉ with the lowest latency;
 * 3. ⌈n/8⌉ that most recently sent a block new to this node;
 * 4. half of the rest, the longest connected.
 * Among those left, the youngest peer of the address group with the most of them is evicted.
 */
export function selectEviction(candidates: readonly EvictionCandidate[]): string | undefined {
  const n = candidates.length;
  if (n === 0) return undefined;
  const groupSize = new Map<string, number>();
  for (const c of candidates) groupSize.set(c.group, (groupSize.get(c.group) ?? 0) + 1);
  let pool = [...candidates];
  // 1. diverse groups: one per group, rarest groups first, oldest member of each.
  const perGroup = new Map<string, EvictionCandidate>();
  for (const c of [...pool].sort((a, b) => a.connectedAt - b.connectedAt)) {
    if (!perGroup.has(c.group)) perGroup.set(c.group, c);
  }
  const diverse = [...perGroup.values()]
    .sort((a, b) => groupSize.get(a.group)! - groupSize.get(b.group)!)
    .slice(0, Math.ceil(n / 8));
  pool = pool.filter((c) => !diverse.includes(c));
  pool = protect(pool, Math.ceil(n / 4), (a, b) => a.latencyMs - b.latencyMs);
  pool = protect(
    pool,
    Math.ceil(n / 8),
    (a, b) => b.lastBlockAt - a.lastBlockAt,
    (c) => c.lastBlockAt > 0,
  );
  pool = protect(pool, Math.floor(pool.length / 2), (a, b) => a.connectedAt - b.connectedAt);
  if (pool.length === 0) return undefined;
  const left = new Map<string, EvictionCandidate[]>();
  for (const c of pool) left.set(c.group, [...(left.get(c.group) ?? []), c]);
  const largest = [...left.values()].sort((a, b) => b.length - a.length)[0]!;
  return largest.sort((a, b) => b.connectedAt - a.connectedAt)[0]!.id;
}
