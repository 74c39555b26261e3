/**
 * The threads that were opened: the replies to a post, oldest first, page by page (the node's
 * `after` cursor), so that every reply is reachable. Owns `threads`.
 */
import type { BlockSummary, PostView } from '../api.ts';
import type { Session } from './connection.ts';
import type { StateHub, Writer } from './hub.ts';
import {
  emptyList,
  mapThreads,
  threadFromPage,
  threadsWithReply,
  threadWithNextPage,
  withConfirmed,
  withoutPost,
} from './post-lists.ts';
import type { AppState, PostList } from './types.ts';

/** Replies per page; the rest behind "Load more replies". */
export const THREAD_PAGE = 50;

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

  /** Opens (loads) the first page of the replies to a post, oldest first. */
  async load(parent: string): Promise<void> {
    const generation = this.session.generation;
    const existing = this.threads[parent] ?? emptyList;
    this.setThread(parent, { ...existing, loading: true, error: undefined });
    try {
      const page = await this.session.api.feed({ reply_to: parent, after: 0, limit: THREAD_PAGE });
      if (generation !== this.session.generation) return;
      this.setThread(parent, threadFromPage(this.threads[parent] ?? existing, page));
    } catch (error) {
      if (generation !== this.session.generation) return;
      this.setThread(parent, { ...existing, loading: false, error: this.session.failed(error) });
    }
  }

  /** "Load more replies": the next page of an open thread. */
  async more(parent: string): Promise<void> {
    const generation = this.session.generation;
    const thread = this.threads[parent];
    if (thread === undefined || thread.loading || thread.next === undefined) return;
    this.setThread(parent, { ...thread, loading: true, error: undefined });
    try {
      const page = await this.session.api.feed({ reply_to: parent, after: thread.next, limit: THREAD_PAGE });
      if (generation !== this.session.generation) return;
      this.setThread(parent, threadWithNextPage(this.threads[parent] ?? thread, page));
    } catch (error) {
      if (generation !== this.session.generation) return;
      const current = this.threads[parent] ?? thread;
      this.setThread(parent, { ...current, loading: false, error: this.session.failed(error) });
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
