import { ErrorCode } from '../../core/errors.ts';
import type { AcceptOptions, AcceptOutcome, Chain } from '../chain/chain.ts';
import { CheckedBlock } from '../chain/checked.ts';
import type { OrphanPool } from './orphans.ts';
import type { PeerManager } from './peer-manager.ts';

/** What happened to a block a peer sent. */
export type IntakeOutcome =
  | AcceptOutcome
  | { readonly ok: false; readonly code: 'ORPHAN'; readonly message: string };

/**
 * The one door for blocks from peers: blocks whose parent is unknown go to the orphan pool
 * (after stateless validation, so an orphan cost its sender real proof of work); the others go
 * to the chain; every rejection is scored against the sender; an accepted block releases the
 * orphans that were waiting for it.
 */
export class BlockIntake {
  rejected = 0;
  lastRejection: { peer: string; code: string; message: string; at: number } | undefined;

  constructor(
    private readonly chain: Chain,
    private readonly orphans: OrphanPool,
    private readonly peers: PeerManager,
  ) {}

  /**
   * A block from `from`: raw JSON, or a {@link CheckedBlock} (sync), with signatures already
   * verified in `options.verified`.
   */
  accept(input: unknown, from: string, size: number, options: AcceptOptions = {}): IntakeOutcome {
    const header = input instanceof CheckedBlock ? input.valid.block : input;
    const previous = (header as { previous_hash?: unknown } | null)?.previous_hash;
    const index = (header as { index?: unknown } | null)?.index;
    if (typeof previous === 'string' && index !== 0 && !this.chain.hasBlock(previous)) {
      const valid = this.chain.validateStateless(input, options);
      if (!valid.ok) {
        this.reject(from, valid.code, valid.message);
        return { ok: false, code: valid.code, message: valid.message };
      }
      this.orphans.add({ block: valid.value.block, from, size });
      return { ok: false, code: 'ORPHAN', message: `parent ${previous} unknown: kept as an orphan` };
    }
    const outcome = this.chain.acceptBlock(input, options);
    if (!outcome.ok) {
      this.reject(from, outcome.code, outcome.message);
      return outcome;
    }
    if (outcome.status !== 'duplicate') this.releaseOrphans(outcome.hash);
    return outcome;
  }

  private reject(from: string, code: string, message: string): void {
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
