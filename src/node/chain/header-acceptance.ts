import { type ParentContext, validateHeaderContext } from '../../core/contextual.ts';
import { ErrorCode } from '../../core/errors.ts';
import type { BlockHeader } from '../../core/header.ts';
import type { NetworkParams } from '../../core/params.ts';
import { type BlockIndexEntry, BlockStatus } from '../store/blocks.ts';

/** What header acceptance reads of the block tree (the Chain provides it). */
export interface HeaderTree {
  getEntry(hash: string): BlockIndexEntry | undefined;
  /** Timestamps of a stored parent and its ancestors (median time past). */
  parentContext(parent: BlockIndexEntry): ParentContext;
}

/** A header whose form and proof of work were checked (§7.1), with its hash. */
export type HashedHeader = BlockHeader & { readonly hash: string };

export type HeaderVerdict =
  /** `known` is the stored entry of a header seen before (and not invalid): nothing more to check. */
  | { readonly ok: true; readonly known?: BlockIndexEntry; readonly parent?: BlockIndexEntry }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/**
 * The one door for headers (Bitcoin Core's AcceptBlockHeader), used by block acceptance
 * (Chain.acceptBlock) and by headers-first sync (p2p/sync.ts):
 *
 * 1. a header known to be invalid is refused; one known and valid needs no more checks;
 * 2. index 0 is only ever the pinned genesis (which every node stores);
 * 3. the parent: `inMemoryParent` when the caller holds it (sync validates a run of headers
 *    whose parents are not stored yet), otherwise looked up in the block tree, which must know
 *    it and not hold it invalid;
 * 4. the contextual header rules against the parent (§7.2: difficulty, median time past,
 *    future limit), with the validator's clock `now` in seconds.
 */
export function acceptHeader(
  header: HashedHeader,
  tree: HeaderTree,
  params: NetworkParams,
  now: number,
  inMemoryParent?: ParentContext,
): HeaderVerdict {
  const known = tree.getEntry(header.hash);
  if (known !== undefined) {
    if (known.status === BlockStatus.INVALID) {
      return {
        ok: false,
        code: ErrorCode.BLOCK_KNOWN_INVALID,
        message: `block ${header.hash} is known to be invalid`,
      };
    }
    return { ok: true, known };
  }
  if (header.index === 0) {
    return {
      ok: false,
      code: ErrorCode.BLOCK_BAD_GENESIS,
      message: 'a block at index 0 must be the pinned genesis',
    };
  }
  let context = inMemoryParent;
  let parent: BlockIndexEntry | undefined;
  if (context === undefined) {
    parent = tree.getEntry(header.previous_hash);
    if (parent === undefined) {
      return {
        ok: false,
        code: ErrorCode.BLOCK_PARENT_UNKNOWN,
        message: `the parent ${header.previous_hash} is unknown to this node`,
      };
    }
    if (parent.status === BlockStatus.INVALID) {
      return {
        ok: false,
        code: ErrorCode.BLOCK_PARENT_INVALID,
        message: `the parent ${parent.hash} is invalid`,
      };
    }
    context = tree.parentContext(parent);
  }
  const checked = validateHeaderContext(header, context, params, now);
  if (!checked.ok) return { ok: false, code: checked.code, message: checked.message };
  return parent === undefined ? { ok: true } : { ok: true, parent };
}
