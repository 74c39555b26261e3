import type { Block } from '../../core/block.ts';
import type { AcceptOutcome, Chain } from '../chain/chain.ts';
import { buildTemplate, completeBlock } from '../chain/template.ts';
import type { Mempool } from '../mempool.ts';
import type { MinerPool } from './pool.ts';

/** The outcome of one request to mine. */
export type MineResult =
  | { readonly mined: true; readonly hash: string; readonly height: number; readonly posts: number }
  | {
      readonly mined: false;
      readonly reason: 'NOTHING_TO_MINE' | 'STOPPED' | 'REJECTED' | 'FAILED';
      readonly message: string;
    };

export interface MiningControllerOptions {
  /** Mine continuously while posts are pending (`--mine`). */
  readonly continuous?: boolean;
  readonly now?: () => number;
  /** Called with each block this node mined and the chain accepted. */
  readonly onMined?: (block: Block, outcome: AcceptOutcome) => void;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Turns pending posts into blocks with the worker pool. A template is a snapshot of the pool
 * (posts arriving meanwhile wait for the next block); when the tip changes under a running job,
 * the job is cancelled and rebuilt on the new tip. The event loop never waits on hashing.
 */
export class MiningController {
  private running: Promise<MineResult> | undefined;
  /** Hash of the last block mined here, so its own 'block' event does not cancel anything. */
  private minedHash: string | undefined;
  private abort: AbortController | undefined;
  private stopped = false;
  private continuous: boolean;
  private readonly now: () => number;

  constructor(
    private readonly chain: Chain,
    private readonly mempool: Mempool,
    private readonly pool: MinerPool,
    private readonly options: MiningControllerOptions = {},
  ) {
    this.continuous = options.continuous ?? false;
    this.now = options.now ?? (() => Date.now() / 1000);
    chain.on('block', (event) => {
      // A block from elsewhere moved the tip: the running template is stale.
      if (this.abort !== undefined && event.hash !== this.minedHash) this.abort.abort();
    });
    mempool.onAdded(() => this.kick());
  }

  /** Whether a job is running. */
  get mining(): boolean {
    return this.running !== undefined;
  }

  get isContinuous(): boolean {
    return this.continuous;
  }

  /** Starts or stops continuous mining. */
  setContinuous(on: boolean): void {
    this.continuous = on;
    if (on) this.kick();
  }

  /** In continuous mode, starts mining if posts wait and nothing runs. */
  private kick(): void {
    if (!this.continuous || this.stopped || this.running !== undefined) return;
    if (this.mempool.size.count === 0) return;
    void this.mineOne().then((result) => {
      if (result.mined || result.reason === 'REJECTED') setImmediate(() => this.kick());
    });
  }

  /**
   * Mines one block of pending posts; resolves once it is mined and accepted. Concurrent
   * calls share the running job.
   */
  mineOne(): Promise<MineResult> {
    if (this.running !== undefined) return this.running;
    const job = this.runJob().finally(() => {
      this.running = undefined;
    });
    this.running = job;
    return job;
  }

  private async runJob(): Promise<MineResult> {
    for (;;) {
      if (this.stopped) return { mined: false, reason: 'STOPPED', message: 'the node is shutting down' };
      if (this.mempool.size.count === 0) {
        return { mined: false, reason: 'NOTHING_TO_MINE', message: 'No transactions to mine' };
      }
      const template = buildTemplate(this.chain, this.mempool, this.now());
      if (template.transactions.length === 0) {
        return { mined: false, reason: 'NOTHING_TO_MINE', message: 'No transactions to mine' };
      }
      this.abort = new AbortController();
      let solved: Awaited<ReturnType<MinerPool['mine']>>;
      try {
        solved = await this.pool.mine(
          { header: template.header, target: template.target },
          this.abort.signal,
        );
      } catch (error) {
        this.options.log?.('mining failed', { error: (error as Error).message });
        return { mined: false, reason: 'FAILED', message: `mining failed: ${(error as Error).message}` };
      } finally {
        this.abort = undefined;
      }
      if (solved === undefined) continue; // cancelled: tip changed (or stopping); rebuild
      if (this.chain.tip.hash !== template.parent.hash) continue; // stale by the time it was found
      const block = completeBlock(template, solved.header, solved.hash);
      this.minedHash = block.hash;
      const outcome = this.chain.acceptBlock(block);
      this.options.onMined?.(block, outcome);
      if (!outcome.ok) {
        this.options.log?.('mined block rejected', { code: outcome.code, message: outcome.message });
        return { mined: false, reason: 'REJECTED', message: `${outcome.code}: ${outcome.message}` };
      }
      return { mined: true, hash: block.hash, height: block.index, posts: block.transactions.length };
    }
  }

  /** Stops mining; a running job resolves STOPPED. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    await this.running?.catch(() => undefined);
  }
}
