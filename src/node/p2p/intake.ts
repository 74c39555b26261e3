import { checkBlockHeader } from '../../core/block.ts';
import { ErrorCode } from '../../core/errors.ts';
import type { AcceptOptions, AcceptOutcome } from '../chain/chain.ts';
import { CheckedBlock } from '../chain/checked.ts';
import type { AnyErrorCode } from '../errors.ts';
import { P2PErrorCode } from './errors.ts';
import type { OrphanPool } from './orphans.ts';
import type { PeerManager } from './peer-manager.ts';
import type { ChainView } from './ports.ts';

/** What happened to a block a peer sent. */
export type IntakeOutcome =
  | AcceptOutcome
  | { readonly ok: false; readonly code: typeof P2PErrorCode.ORPHAN; readonly message: string };

/** The part of the peer manager intake needs: scoring a sender. */
export type Scorer = Pick<PeerManager, 'misbehaved'>;

/**
 * The one door for blocks from peers: blocks whose parent is unknown go to the orphan pool
 * (after the header and body checks without signatures, so an orphan cost its sender real proof
 * of work but costs us no signature check: those run when it connects, through acceptBlock); the
 * others go to the chain; every rejection is scored against the sender; an accepted block
 * releases the orphans that were waiting for it.
 */
export class BlockIntake {
  rejected = 0;
  /** Pushed blocks that failed validation after their header passed, not scored (BIP152). */
  unscored = 0;
  lastRejection: { peer: string; code: AnyErrorCode; message: string; at: number } | undefined;

  constructor(
    private readonly chain: Pick<ChainView, 'params' | 'hasBlock' | 'checkBlock' | 'acceptBlock'>,
    private readonly orphans: OrphanPool,
    private readonly peers: Scorer,
  ) {}

  /**
   * A block from `from`: raw JSON, or a {@link CheckedBlock} (sync), with signatures already
   * verified in `options.verified`.
   */
  accept(
    input: unknown,
    from: string,
    size: number,
    options: AcceptOptions = {},
    /** Relayed before its sender validated the body (a high-bandwidth push): a body failure is not scored. */
    unvalidated = false,
  ): IntakeOutcome {
    const header = input instanceof CheckedBlock ? input.valid.block : input;
    const previous = (header as { previous_hash?: unknown } | null)?.previous_hash;
    const index = (header as { index?: unknown } | null)?.index;
    if (typeof previous === 'string' && index !== 0 && !this.chain.hasBlock(previous)) {
      return this.keepOrphan(input, from, size, previous);
    }
    const outcome = this.chain.acceptBlock(input, options);
    if (!outcome.ok) {
      if (unvalidated) this.unscored++;
      else this.reject(from, outcome.code, outcome.message);
      return outcome;
    }
    if (outcome.status !== 'duplicate') this.releaseOrphans(outcome.hash);
    return outcome;
  }

  /**
   * Header first (form, hash, proof of work), then a replay of a kept orphan is answered before
   * its posts are read, then the body (form, size, merkle root, stamps), never the signatures:
   * a parentless block must not buy main-thread signature checks (issue 9, finding 3).
   */
  private keepOrphan(input: unknown, from: string, size: number, previous: string): IntakeOutcome {
    const kept: IntakeOutcome = {
      ok: false,
      code: P2PErrorCode.ORPHAN,
      message: `parent ${previous} unknown: kept as an orphan`,
    };
    let block = input instanceof CheckedBlock ? input.valid.block : undefined;
    if (block === undefined) {
      const head = checkBlockHeader(input, this.chain.params);
      if (!head.ok) return this.refuse(from, head.code, head.message);
      if (this.orphans.has(head.value.header.hash)) return kept;
      const body = this.chain.checkBlock(input);
      if (!body.ok) return this.refuse(from, body.code, body.message);
      block = body.value.valid.block;
    }
    this.orphans.add({ block, from, size });
    return kept;
  }

  private refuse(from: string, code: AnyErrorCode, message: string): IntakeOutcome {
    this.reject(from, code, message);
    return { ok: false, code, message };
  }

  private reject(from: string, code: AnyErrorCode, message: string): void {
    if (code === ErrorCode.BLOCK_PARENT_UNKNOWN) return;
    this.rejected++;
    this.lastRejection = { peer: from, code, message, at: Date.now() };
    this.peers.misbehaved(from, code, message);
  }

  /** Connects orphans descending from `hash`, breadth first. */
  private releaseOrphans(hash: string): void {
    const queue = [hash];
    while (queue.length > 0) {
      for (const orphan of this.orphans.takeChildren(queue.shift()!)) {
        const outcome = this.chain.acceptBlock(orphan.block);
        if (outcome.ok) queue.push(orphan.block.hash);
        else this.reject(orphan.from, outcome.code, outcome.message);
      }
    }
  }
}
