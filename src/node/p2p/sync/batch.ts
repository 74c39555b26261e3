import type { CheckedBlock } from '../../chain/checked.ts';
import type { VerifiedSignatures } from '../../verifier/block-signatures.ts';
import type { WireHeader } from '../locator.ts';
import type { Unchecked } from '../messages.ts';

/**
 * The blocks of a batch in order: CheckedBlocks up to the first that fails the checks, which
 * stays raw (the chain rejects it again, with its code, when its turn comes) and ends it.
 */
export type BatchBlocks = (CheckedBlock | Unchecked)[];

/**
 * Where a batch of bodies is in range sync (Lodestar's sync/range/batch.ts):
 *
 *   AwaitingDownload → Downloading → AwaitingChecks → Verifying → Connecting → Done
 *          ↑________________| (a helper peer failed: the origin is asked next)
 *   Downloading | Connecting → Failed
 *
 * Each state carries exactly what it needs, so a batch drops its blocks once connected.
 */
export type BatchState =
  | { readonly status: 'AwaitingDownload' }
  | { readonly status: 'Downloading'; readonly peer: string }
  | { readonly status: 'AwaitingChecks'; readonly peer: string; readonly blocks: readonly Unchecked[] }
  | {
      readonly status: 'Verifying';
      readonly peer: string;
      readonly blocks: BatchBlocks;
      /** The signatures of the checked blocks, on the verifier's workers. */
      readonly verified: Promise<VerifiedSignatures | undefined>;
    }
  | {
      readonly status: 'Connecting';
      readonly peer: string;
      readonly blocks: BatchBlocks;
      readonly verified: VerifiedSignatures | undefined;
    }
  | { readonly status: 'Done'; readonly peer: string }
  | { readonly status: 'Failed'; readonly error: unknown };

export type BatchStatus = BatchState['status'];
type StateOf<S extends BatchStatus> = Extract<BatchState, { status: S }>;

/** A run of up to BATCH headers whose bodies are downloaded, checked and connected together. */
export class Batch {
  private current: BatchState = { status: 'AwaitingDownload' };
  /** Download attempts so far (each peer asked counts one). */
  attempts = 0;

  constructor(
    /** Position in the range, which also picks the peer asked first. */
    readonly turn: number,
    readonly headers: readonly WireHeader[],
  ) {}

  get state(): BatchState {
    return this.current;
  }

  get status(): BatchStatus {
    return this.current.status;
  }

  /** The height of the batch's last header: a peer at least this high has all its bodies. */
  get lastHeight(): number {
    return this.headers.at(-1)!.index;
  }

  startDownload(peer: string): void {
    this.expect('AwaitingDownload');
    this.attempts++;
    this.current = { status: 'Downloading', peer };
  }

  /** The download failed: back to AwaitingDownload if another peer is to be asked, else Failed. */
  downloadFailed(error: unknown, retry: boolean): void {
    this.expect('Downloading');
    this.current = retry ? { status: 'AwaitingDownload' } : { status: 'Failed', error };
  }

  downloaded(blocks: readonly Unchecked[]): void {
    const { peer } = this.expect('Downloading');
    this.current = { status: 'AwaitingChecks', peer, blocks };
  }

  /** Checked ahead of the chain; `verified` settles when the workers have the signatures. */
  checked(blocks: BatchBlocks, verified: Promise<VerifiedSignatures | undefined>): void {
    const { peer } = this.expect('AwaitingChecks');
    this.current = { status: 'Verifying', peer, blocks, verified };
  }

  startConnecting(verified: VerifiedSignatures | undefined): StateOf<'Connecting'> {
    const { peer, blocks } = this.expect('Verifying');
    const state = { status: 'Connecting', peer, blocks, verified } as const;
    this.current = state;
    return state;
  }

  connected(): void {
    const { peer } = this.expect('Connecting');
    this.current = { status: 'Done', peer };
  }

  connectFailed(error: unknown): void {
    this.expect('Connecting');
    this.current = { status: 'Failed', error };
  }

  /** The current state if it is `status`; any other transition is a bug in the orchestrator. */
  expect<S extends BatchStatus>(status: S): StateOf<S> {
    if (this.current.status !== status) {
      throw new Error(`sync batch ${this.turn}: in state ${this.current.status}, expected ${status}`);
    }
    return this.current as StateOf<S>;
  }
}
