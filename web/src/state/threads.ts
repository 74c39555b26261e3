/** The threads that were opened: the replies to a post, oldest first. Owns `threads`. */
import type { BlockSummary, PostView } from '../api.ts';
import type { Session } from './connection.ts';
import type { StateHub, Writer } from './hub.ts';
import {
  emptyList,
  mapThreads,
  threadFromPage,
  threadsWithReply,
  withConfirmed,
  withoutPost,
} from './post-lists.ts';
import type { AppState, PostList } from './types.ts';

const THREAD_PAGE = 100;

export class ThreadsStore {
  private readonly write: Writer<AppState, 'threads'>;

  constructor(
    private readonly hub: StateHub<AppState>,
    private readonly session: Session,
  ) {
    this.write = hub.own('threads');
  }

  private get threads() {
    return this.hub.state.threads;
  }

  private setThread(parent: string, list: PostList): void {
    this.write({ threads: { ...this.threads, [parent]: list } });
  }

  reset(): void {
    this.write({ threads: {} });
  }

  /** Opens (loads) the replies to a post, oldest first. */
  async load(parent: string): Promise<void> {
    const generation = this.session.generation;
    const existing = this.threads[parent] ?? emptyList;
    this.setThread(parent, { ...existing, loading: true, error: undefined });
    try {
      const page = await this.session.api.feed({ reply_to: parent, limit: THREAD_PAGE });
      if (generation !== this.session.generation) return;
      this.setThread(parent, threadFromPage(page));
    } catch (error) {
      if (generation !== this.session.generation) return;
      this.setThread(parent, { ...existing, loading: false, error: this.session.failed(error) });
    }
  }

  /** Adds a new reply to its parent's thread, when that thread is open. */
  addReply(view: PostView): void {
    const threads = threadsWithReply(this.threads, view);
    if (threads !== undefined) this.write({ threads });
  }

  remove(id: string): void {
    this.write({ threads: mapThreads(this.threads, (list) => withoutPost(list, id)) });
  }

  confirm(block: BlockSummary, ids: readonly string[]): void {
    this.write({ threads: mapThreads(this.threads, (list) => withConfirmed(list, block, ids)) });
  }
}
