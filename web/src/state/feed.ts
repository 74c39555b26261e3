/**
 * The feed: its pages of top-level posts (the node leaves replies out), and the posts that join
 * it live; a live reply raises its parent's count instead. Owns `feed`.
 */
import type { BlockSummary, Page, PostView } from '../api.ts';
import type { Session } from './connection.ts';
import type { StateHub, Writer } from './hub.ts';
import {
  emptyList,
  feedFromFirstPage,
  feedWithNextPage,
  feedWithPost,
  withConfirmed,
  withoutPost,
  withReplyCount,
} from './post-lists.ts';
import type { AppState } from './types.ts';

const FEED_PAGE = 50;

export class FeedStore {
  private readonly write: Writer<AppState, 'feed'>;
  /** Replies counted on their parent (reply id → parent id): each is counted once. */
  private readonly counted = new Map<string, string>();

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
    this.counted.clear();
    this.write({ feed: emptyList });
  }

  /** Shows a first page the app already has (the page's data block) until the sync's arrives. */
  show(page: Page<PostView>): void {
    performance.mark('yournet:feed-data');
    this.write({ feed: feedFromFirstPage(this.feed, page) });
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
    const feed = feedWithPost(this.feed, view, new Set(this.counted.keys()));
    if (feed === undefined) return false;
    if (view.post.reply_to !== undefined) this.counted.set(view.id, view.post.reply_to);
    if (feed !== this.feed) this.write({ feed });
    return true;
  }

  /** Takes a post back (refused or evicted); a reply's parent counts one less. */
  remove(id: string): void {
    const parent = this.counted.get(id);
    this.counted.delete(id);
    const feed = withoutPost(this.feed, id);
    this.write({ feed: parent === undefined ? feed : withReplyCount(feed, parent, -1) });
  }

  confirm(block: BlockSummary, ids: readonly string[]): void {
    this.write({ feed: withConfirmed(this.feed, block, ids) });
  }
}
