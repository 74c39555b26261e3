import { parseHeader, validateHeaderStateless } from '../../../core/block.ts';
import { validateHeaderContext } from '../../../core/contextual.ts';
import { ErrorCode } from '../../../core/errors.ts';
import { blockWork } from '../../../core/pow.ts';
import { BlockStatus } from '../../store/blocks.ts';
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
 * first) or to the previous header, then the header context (difficulty, median time past,
 * future limit) against the parent. Throws a PeerError with the failing rule's code.
 *
 * Kept as one unit on purpose: it is to be replaced by the chain's shared `acceptHeader`
 * (Bitcoin Core's AcceptBlockHeader serves both sync and block acceptance; issue 8).
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
  let timestamps: number[];
  let parent: WireHeader;
  if (out.length > 0) {
    parent = out.at(-1)!.header;
    timestamps = out.slice(-params.medianTimeSpan).map((item) => item.header.timestamp);
    if (timestamps.length < params.medianTimeSpan) {
      const base = chain.parentContext(chain.getEntry(out[0]!.header.previous_hash)!).recentTimestamps;
      timestamps = [...base, ...timestamps].slice(-params.medianTimeSpan);
    }
  } else {
    const entry = chain.getEntry(firstParent as string);
    if (entry === undefined) throw new PeerError(P2PErrorCode.HEADERS_NOT_LINKED, 'headers do not link');
    if (entry.status === BlockStatus.INVALID) {
      throw new PeerError(ErrorCode.BLOCK_PARENT_INVALID, `headers build on the invalid block ${entry.hash}`);
    }
    parent = { ...entry, index: entry.height };
    timestamps = [...chain.parentContext(entry).recentTimestamps];
  }
  for (const item of list) {
    const parsed = parseHeader(item);
    if (!parsed.ok) throw new PeerError(parsed.code, `header: ${parsed.message}`);
    const header = parsed.value;
    const pow = validateHeaderStateless(header, header.hash, params);
    if (!pow.ok) throw new PeerError(pow.code, `header ${header.index}: ${pow.message}`);
    if (header.previous_hash !== parent.hash) {
      throw new PeerError(
        P2PErrorCode.HEADERS_NOT_LINKED,
        `header ${pow.value.hash} does not link to ${parent.hash}`,
      );
    }
    const known = chain.getEntry(pow.value.hash);
    if (known?.status === BlockStatus.INVALID) {
      throw new PeerError(
        ErrorCode.BLOCK_KNOWN_INVALID,
        `header ${pow.value.hash} is of a known-invalid block`,
      );
    }
    const context = validateHeaderContext(header, { parent, recentTimestamps: timestamps }, params, now);
    if (!context.ok) throw new PeerError(context.code, `header ${header.index}: ${context.message}`);
    const wire: WireHeader = { ...header, hash: pow.value.hash };
    out.push({ header: wire, work: blockWork(pow.value.target) });
    timestamps.push(header.timestamp);
    if (timestamps.length > params.medianTimeSpan) timestamps.shift();
    parent = wire;
  }
}
