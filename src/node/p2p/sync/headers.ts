import { parseHeader, validateHeaderStateless } from '../../../core/block.ts';
import type { ParentContext } from '../../../core/contextual.ts';
import { blockWork } from '../../../core/pow.ts';
import { acceptHeader } from '../../chain/header-acceptance.ts';
import { P2PErrorCode, PeerError } from '../errors.ts';
import type { WireHeader } from '../locator.ts';
import type { Unchecked } from '../messages.ts';
import type { ChainView } from '../ports.ts';

/** A header that passed checkHeaderRun, with the work it adds. */
export interface CheckedHeader {
  readonly header: WireHeader;
  readonly work: bigint;
}

/** What the header checks read of the chain. */
export type HeaderChain = Pick<ChainView, 'params' | 'hasBlock' | 'getEntry' | 'parentContext'>;

/**
 * Validates a page of headers onto `out`: form, proof of work, link to a known block (the
 * first) or to the previous header, then header acceptance (chain/header-acceptance.ts, the door
 * blocks go through too: known-invalid, the parent, difficulty, median time past, future limit)
 * against the parent held in memory, or the stored one for the first header of a run. Throws a
 * PeerError with the failing rule's code.
 */
export function checkHeaderRun(
  chain: HeaderChain,
  list: readonly Unchecked[],
  out: CheckedHeader[],
  now: number,
): void {
  const params = chain.params;
  const firstParent = (list[0] as { previous_hash?: unknown } | null)?.previous_hash;
  // The first header continues our list, or restarts from a block we store (the peer reorged).
  if (typeof firstParent === 'string') {
    const at = out.findIndex((item) => item.header.hash === firstParent);
    if (at >= 0) out.splice(at + 1);
    else if (chain.hasBlock(firstParent)) out.splice(0);
    else
      throw new PeerError(
        P2PErrorCode.HEADERS_NOT_LINKED,
        `headers start at an unknown parent ${firstParent.slice(0, 64)}`,
      );
  }
  // The parent of the next header: the last one held in memory, or (undefined) the stored block
  // the run starts from, which header acceptance looks up itself.
  let timestamps: number[];
  let parent: WireHeader | undefined;
  if (out.length > 0) {
    parent = out.at(-1)!.header;
    timestamps = out.slice(-params.medianTimeSpan).map((item) => item.header.timestamp);
    if (timestamps.length < params.medianTimeSpan) {
      const base = chain.parentContext(chain.getEntry(out[0]!.header.previous_hash)!).recentTimestamps;
      timestamps = [...base, ...timestamps].slice(-params.medianTimeSpan);
    }
  } else {
    const entry = typeof firstParent === 'string' ? chain.getEntry(firstParent) : undefined;
    if (entry === undefined) throw new PeerError(P2PErrorCode.HEADERS_NOT_LINKED, 'headers do not link');
    timestamps = [...chain.parentContext(entry).recentTimestamps];
  }
  for (const item of list) {
    const parsed = parseHeader(item);
    if (!parsed.ok) throw new PeerError(parsed.code, `header: ${parsed.message}`);
    const header = parsed.value;
    const pow = validateHeaderStateless(header, header.hash, params);
    if (!pow.ok) throw new PeerError(pow.code, `header ${header.index}: ${pow.message}`);
    const parentHash = parent?.hash ?? (firstParent as string);
    if (header.previous_hash !== parentHash) {
      throw new PeerError(
        P2PErrorCode.HEADERS_NOT_LINKED,
        `header ${pow.value.hash} does not link to ${parentHash}`,
      );
    }
    const wire: WireHeader = { ...header, hash: pow.value.hash };
    const inMemory: ParentContext | undefined =
      parent === undefined ? undefined : { parent, recentTimestamps: timestamps };
    const accepted = acceptHeader(wire, chain, params, now, inMemory);
    if (!accepted.ok) throw new PeerError(accepted.code, `header ${header.index}: ${accepted.message}`);
    out.push({ header: wire, work: blockWork(pow.value.target) });
    timestamps.push(header.timestamp);
    if (timestamps.length > params.medianTimeSpan) timestamps.shift();
    parent = wire;
  }
}
