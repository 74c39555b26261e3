/** The feed: its pages, and the posts that join it live. Owns `feed`. */
import type { BlockSummary, PostView } from '../api.ts';
import type { Session } from './connection.ts';
import type { StateHub, Writer } from './hub.ts';
import {
  emptyList,
  feedFromFirstPage,
  feedWithNextPage,
  feedWithPost,
  withConfirmed,
  withoutPost,
} from './post-lists.ts';
import type { AppState } from './types.ts';

const FEED_PAGE = 50;

export class FeedStore {
  private readonly write: Writer<AppState, 'feed'>;

  constructor(
    private readonly hub: StateHub<AppState>,
    private readonly session: Session,
  ) {
    this.write = hub.own('feed');
  }

  private get feed() {
    return this.hub.state.feed;
  }

  reset(): void {
    this.write({ feed: emptyList });
  }

  /** The first page (reset) or the next page of the feed. */
  async load(reset = false): Promise<void> {
    const generation = this.session.generation;
    const feed = this.feed;
    if (!reset && (feed.loading || feed.next === undefined)) return;
    this.write({ feed: { ...feed, loading: true, error: undefined } });
    try {
      const page = await this.session.api.feed({ limit: FEED_PAGE, ...(reset ? {} : { before: feed.next }) });
      if (generation !== this.session.generation) return;
      performance.mark('yournet:feed-data');
      this.write({ feed: reset ? feedFromFirstPage(this.feed, page) : feedWithNextPage(this.feed, page) });
    } catch (error) {
      if (generation !== this.session.generation) return;
      this.write({ feed: { ...this.feed, loading: false, error: this.session.failed(error) } });
    }
  }

  /** Puts a new post on top; false when the feed already shows it. */
  add(view: PostView): boolean {
    const feed = feedWithPost(this.feed, view);
    if (feed === undefined) return false;
    if (feed !== this.feed) this.write({ feed });
    return true;
  }

  remove(id: string): void {
    this.write({ feed: withoutPost(this.feed, id) });
  }

  confirm(block: BlockSummary, ids: readonly string[]): void {
    this.write({ feed: withConfirmed(this.feed, block, ids) });
  }
}
