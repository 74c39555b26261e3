/** "Request to mine": asks the node for one block and says how it went. Owns `mining`. */
import { ApiError } from '../api.ts';
import type { Session } from './connection.ts';
import type { StateHub, Writer } from './hub.ts';
import type { BlockEvent } from './live-events.ts';
import { miningRefusal } from './mine-access.ts';
import type { AppState, MiningState } from './types.ts';

export const idleMining: MiningState = { state: 'idle', message: '' };

/** The sentence shown once a block was mined. */
export function minedMessage(height: number, posts: number): string {
  return `Block #${height} mined with ${posts === 1 ? '1 post' : `${posts} posts`}.`;
}

export class MiningStore {
  private readonly write: Writer<AppState, 'mining'>;

  constructor(
    private readonly hub: StateHub<AppState>,
    private readonly session: Session,
    /** The block mined here, handled as if its event had arrived. */
    private readonly onMined: (block: BlockEvent) => void,
  ) {
    this.write = hub.own('mining');
  }

  reset(): void {
    this.write({ mining: idleMining });
  }

  /** Asks the node for a block, with the mining token when this browser keeps one for it. */
  async mine(token = ''): Promise<void> {
    if (this.hub.state.mining.state === 'mining') return;
    const generation = this.session.generation;
    this.write({ mining: { state: 'mining', message: 'Mining a block…' } });
    try {
      const result = await this.session.api.mine(token || undefined);
      if (generation !== this.session.generation) return;
      if (result.mined) {
        this.write({
          mining: {
            state: 'done',
            height: result.height,
            posts: result.posts,
            message: minedMessage(result.height, result.posts),
          },
        });
        this.onMined({ hash: result.hash, height: result.height, posts: result.posts });
      } else {
        this.write({ mining: { state: 'done', message: 'Nothing to mine: no posts are pending.' } });
      }
    } catch (error) {
      if (generation !== this.session.generation) return;
      const message = this.session.failed(error);
      const code = error instanceof ApiError ? error.code : '';
      this.write({ mining: { state: 'error', message: miningRefusal(code, token !== '', message) } });
    }
  }
}
