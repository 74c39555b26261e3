/**
 * The app's state and everything that changes it: the node connection (status polling, the
 * event stream, the "cannot reach the node" banner with retry), the feed (pages, live posts
 * and blocks, optimistic pending posts), threads, mining, and the identity. Components read it
 * with useStore() and call the actions; nothing here touches the DOM except storage.
 */
import { useEffect, useState } from 'preact/hooks';
import { fromHex } from '../../src/core/bytes.ts';
import { nobleCrypto } from '../../src/core/crypto-noble.ts';
import { checkPost, type Post, parsePost, signPost, type UnsignedPost } from '../../src/core/post.ts';
import { ApiError, type BlockSummary, NodeApi, type NodeStatus, type PostView } from './api.ts';
import { type Identity, newIdentity } from './lib/identity-format.ts';
import { storage } from './lib/storage.ts';

export type Connection = 'connecting' | 'online' | 'offline';

/** A list of posts loaded page by page. */
export interface PostList {
  readonly items: readonly PostView[];
  readonly next?: number;
  readonly loading: boolean;
  readonly loaded: boolean;
  readonly error?: string;
}

export interface MiningState {
  readonly state: 'idle' | 'mining' | 'done' | 'error';
  readonly message: string;
  readonly height?: number;
  readonly posts?: number;
}

export interface AppState {
  /** The node's URL, '' for the origin that served the app. */
  readonly nodeUrl: string;
  /** The node the app was configured with (by the server), before any change in the app. */
  readonly defaultNodeUrl: string;
  readonly connection: Connection;
  readonly connectionError?: string;
  /** When the next automatic retry happens (ms since epoch), while offline. */
  readonly retryAt?: number;
  readonly status?: NodeStatus;
  readonly feed: PostList;
  /** Replies by parent id, oldest first, for threads that were opened. */
  readonly threads: Readonly<Record<string, PostList>>;
  readonly mining: MiningState;
  readonly identity?: Identity;
  readonly name: string;
  /** Ticks every 30 s so relative times stay fresh. */
  readonly now: number;
  readonly lastSync?: number;
  readonly syncing: boolean;
  readonly theme: 'system' | 'light' | 'dark';
}

const FEED_PAGE = 50;
const THREAD_PAGE = 100;
const STATUS_POLL_MS = 15_000;
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 10_000;

const emptyList: PostList = { items: [], loading: false, loaded: false };

type Listener = () => void;

class Store {
  state: AppState;
  private readonly listeners = new Set<Listener>();
  private api: NodeApi;
  private events: EventSource | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = RETRY_MIN_MS;
  private generation = 0;
  private started = false;

  constructor() {
    this.state = {
      nodeUrl: '',
      defaultNodeUrl: '',
      connection: 'connecting',
      feed: emptyList,
      threads: {},
      mining: { state: 'idle', message: '' },
      name: storage.get('yournet.name') ?? '',
      now: Date.now(),
      syncing: false,
      theme: (storage.get('yournet.theme') as AppState['theme'] | undefined) ?? 'system',
      ...loadIdentity(),
    };
    this.api = new NodeApi('');
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  get nodeApi(): NodeApi {
    return this.api;
  }

  /** Reads the server's default node (/config.json), then connects. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    let defaultNode = '';
    try {
      const response = await fetch('/config.json', { cache: 'no-store', signal: AbortSignal.timeout(5000) });
      if (response.ok) {
        const config = (await response.json()) as { node?: unknown };
        if (typeof config.node === 'string') defaultNode = config.node.replace(/\/+$/, '');
      }
    } catch {
      // Served without a config: the node is this page's origin.
    }
    const chosen = storage.get('yournet.node');
    setInterval(() => this.set({ now: Date.now() }), 30_000);
    this.set({ defaultNodeUrl: defaultNode });
    this.connect(chosen ?? defaultNode);
  }

  /** Switches to another node (remembered in this browser); '' or the default forgets the choice. */
  useNode(url: string): void {
    if (url === this.state.defaultNodeUrl) storage.remove('yournet.node');
    else storage.set('yournet.node', url);
    this.connect(url);
  }

  private connect(url: string): void {
    this.generation++;
    this.events?.close();
    this.events = undefined;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.api = new NodeApi(url);
    this.retryDelay = RETRY_MIN_MS;
    this.set({
      nodeUrl: url,
      connection: 'connecting',
      connectionError: undefined,
      retryAt: undefined,
      status: undefined,
      feed: emptyList,
      threads: {},
      mining: { state: 'idle', message: '' },
    });
    void this.resync();
  }

  /** Fetches the latest state: status, then the first page of the feed; reopens the event stream. */
  async resync(): Promise<void> {
    const generation = this.generation;
    this.set({ syncing: true });
    try {
      const ok = await this.checkStatus();
      if (!ok || generation !== this.generation) return;
      await this.loadFeed(true);
      this.openEvents();
      this.set({ lastSync: Date.now() });
    } finally {
      if (generation === this.generation) this.set({ syncing: false });
    }
  }

  /** One status request; moves the connection online or offline (scheduling the retry). */
  async checkStatus(): Promise<boolean> {
    const generation = this.generation;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    try {
      const status = await this.api.status();
      if (generation !== this.generation) return false;
      const wasOffline = this.state.connection === 'offline';
      this.retryDelay = RETRY_MIN_MS;
      this.set({ status, connection: 'online', connectionError: undefined, retryAt: undefined });
      this.schedulePoll(STATUS_POLL_MS);
      if (wasOffline) {
        // Back after an outage: catch up on what was missed.
        void this.loadFeed(true);
        this.openEvents();
      }
      return true;
    } catch (error) {
      if (generation !== this.generation) return false;
      this.goOffline(error);
      return false;
    }
  }

  private goOffline(error: unknown): void {
    const delay = this.retryDelay;
    this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
    this.set({
      connection: 'offline',
      connectionError: error instanceof Error ? error.message : String(error),
      retryAt: Date.now() + delay,
    });
    this.schedulePoll(delay);
  }

  private schedulePoll(delay: number): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.checkStatus(), delay);
  }

  /** "Retry now" on the banner. */
  retryNow(): void {
    void this.resync();
  }

  /** A failed request: a network failure means the node went away. */
  private failed(error: unknown): string {
    if (error instanceof ApiError && error.kind === 'network' && this.state.connection !== 'offline') {
      this.goOffline(error);
    }
    return error instanceof Error ? error.message : String(error);
  }

  private openEvents(): void {
    if (this.events !== undefined && this.events.readyState !== EventSource.CLOSED) return;
    if (typeof EventSource === 'undefined') return;
    const generation = this.generation;
    const source = new EventSource(this.api.eventsUrl());
    this.events = source;
    const live = (handler: (data: unknown) => void) => (event: MessageEvent<string>) => {
      if (generation !== this.generation) return;
      try {
        handler(JSON.parse(event.data));
      } catch {
        // A malformed event is ignored; the next resync corrects the view.
      }
    };
    source.addEventListener(
      'post',
      live((data) => this.onPostEvent(data as { id: string; post: Post })),
    );
    source.addEventListener(
      'block',
      live((data) => void this.onBlockEvent(data as { hash: string; height: number; posts: number })),
    );
    source.addEventListener(
      'reorg',
      live(() => void this.resync()),
    );
    source.onerror = () => {
      if (generation !== this.generation) return;
      // The browser reconnects by itself; check whether the node is still there.
      if (source.readyState === EventSource.CLOSED) this.events = undefined;
      void this.checkStatus();
    };
  }

  private onPostEvent(data: { id: string; post: Post }): void {
    const parsed = parsePost(data.post);
    if (!parsed.ok || typeof data.id !== 'string') return;
    const view: PostView = {
      id: data.id,
      seq: Number.MAX_SAFE_INTEGER,
      post: parsed.value,
      status: 'pending',
      signed: parsed.value.signature !== undefined,
      received_at: Date.now(),
      replies: 0,
    };
    this.addPost(view);
    const status = this.state.status;
    if (status)
      this.set({ status: { ...status, pending: { ...status.pending, count: status.pending.count + 1 } } });
  }

  /** Adds a post at the top of the feed (and to its thread, when open), unless it is there already. */
  private addPost(view: PostView): void {
    const feed = this.state.feed;
    const known = feed.items.some((item) => item.id === view.id);
    const patch: { feed?: PostList; threads?: Record<string, PostList> } = {};
    if (!known && feed.loaded) patch.feed = { ...feed, items: [view, ...feed.items] };
    const parent = view.post.reply_to;
    if (parent !== undefined && !known) {
      const countReply = (item: PostView) =>
        item.id === parent ? { ...item, replies: item.replies + 1 } : item;
      const items = (patch.feed ?? feed).items.map(countReply);
      patch.feed = { ...(patch.feed ?? feed), items };
      const thread = this.state.threads[parent];
      if (thread?.loaded && !thread.items.some((item) => item.id === view.id)) {
        patch.threads = { ...this.state.threads, [parent]: { ...thread, items: [...thread.items, view] } };
      }
    }
    if (Object.keys(patch).length > 0) this.set(patch);
  }

  private async onBlockEvent(data: { hash: string; height: number; posts: number }): Promise<void> {
    const generation = this.generation;
    const status = this.state.status;
    if (status && data.height >= status.height) {
      this.set({ status: { ...status, height: data.height, tip: data.hash } });
    }
    if (data.posts > 0) {
      try {
        const block = await this.api.block(data.hash);
        if (generation !== this.generation) return;
        this.markConfirmed(block, block.ids);
      } catch (error) {
        this.failed(error);
      }
    }
    void this.checkStatus();
  }

  /** Marks the posts of a block confirmed wherever they are shown. */
  private markConfirmed(block: BlockSummary, ids: readonly string[]): void {
    const positions = new Map(ids.map((id, position) => [id, position]));
    const confirm = (item: PostView): PostView => {
      const position = positions.get(item.id);
      if (position === undefined) return item;
      return { ...item, status: 'confirmed', block: { hash: block.hash, height: block.height, position } };
    };
    const threads: Record<string, PostList> = {};
    for (const [id, list] of Object.entries(this.state.threads))
      threads[id] = { ...list, items: list.items.map(confirm) };
    this.set({ feed: { ...this.state.feed, items: this.state.feed.items.map(confirm) }, threads });
  }

  /** The first page (reset) or the next page of the feed. */
  async loadFeed(reset = false): Promise<void> {
    const generation = this.generation;
    const feed = this.state.feed;
    if (!reset && (feed.loading || feed.next === undefined)) return;
    this.set({ feed: { ...feed, loading: true, error: undefined } });
    try {
      const page = await this.api.feed({ limit: FEED_PAGE, ...(reset ? {} : { before: feed.next }) });
      if (generation !== this.generation) return;
      performance.mark('yournet:feed-data');
      const current = this.state.feed;
      let items: PostView[];
      if (reset) {
        // Keep posts that arrived live or were just sent and are newer than the page.
        const ids = new Set(page.items.map((item) => item.id));
        const newer = current.items.filter(
          (item) => item.seq === Number.MAX_SAFE_INTEGER && !ids.has(item.id),
        );
        items = [...newer, ...page.items];
      } else {
        const ids = new Set(current.items.map((item) => item.id));
        items = [...current.items, ...page.items.filter((item) => !ids.has(item.id))];
      }
      this.set({ feed: { items, next: page.next, loading: false, loaded: true } });
    } catch (error) {
      if (generation !== this.generation) return;
      this.set({ feed: { ...this.state.feed, loading: false, error: this.failed(error) } });
    }
  }

  /** Opens (loads) the replies to a post, oldest first. */
  async loadThread(parent: string): Promise<void> {
    const generation = this.generation;
    const existing = this.state.threads[parent] ?? emptyList;
    this.set({
      threads: { ...this.state.threads, [parent]: { ...existing, loading: true, error: undefined } },
    });
    try {
      const page = await this.api.feed({ reply_to: parent, limit: THREAD_PAGE });
      if (generation !== this.generation) return;
      const items = [...page.items].reverse();
      this.set({
        threads: {
          ...this.state.threads,
          [parent]: { items, next: page.next, loading: false, loaded: true },
        },
      });
    } catch (error) {
      if (generation !== this.generation) return;
      this.set({
        threads: {
          ...this.state.threads,
          [parent]: { ...existing, loading: false, error: this.failed(error) },
        },
      });
    }
  }

  /**
   * Signs and sends a post; the first post creates the key. The post shows as pending at once
   * (optimistic) and is taken back if the node refuses it. Returns the node's reason on refusal.
   */
  async publish(
    content: string,
    name: string,
    replyTo?: string,
  ): Promise<{ ok: true; id: string } | { ok: false; message: string }> {
    let identity = this.state.identity;
    if (identity === undefined) {
      identity = newIdentity(nobleCrypto);
      saveIdentity(identity);
      this.set({ identity });
    }
    this.setName(name);
    const unsigned: UnsignedPost = {
      author: name,
      content,
      timestamp: Math.round(Date.now()) / 1000,
      ...(replyTo !== undefined ? { reply_to: replyTo } : {}),
    };
    const post = signPost(unsigned, fromHex(identity.privateKey), nobleCrypto);
    const checked = checkPost(post, nobleCrypto);
    if (!checked.ok) return { ok: false, message: checked.message };
    const { id } = checked.value;
    const view: PostView = {
      id,
      seq: Number.MAX_SAFE_INTEGER,
      post,
      status: 'pending',
      signed: true,
      received_at: Date.now(),
      replies: 0,
    };
    this.addPost(view);
    try {
      await this.api.submit(post);
      return { ok: true, id };
    } catch (error) {
      this.removePost(id);
      if (error instanceof ApiError && error.kind === 'http') {
        return { ok: false, message: `The node refused the post: ${error.message}` };
      }
      return { ok: false, message: `The post was not sent: ${this.failed(error)}` };
    }
  }

  private removePost(id: string): void {
    const remove = (list: PostList): PostList => ({
      ...list,
      items: list.items.filter((item) => item.id !== id),
    });
    const threads: Record<string, PostList> = {};
    for (const [key, list] of Object.entries(this.state.threads)) threads[key] = remove(list);
    this.set({ feed: remove(this.state.feed), threads });
  }

  /** "Request to mine": asks the node to mine one block and reports its number. */
  async mine(): Promise<void> {
    if (this.state.mining.state === 'mining') return;
    const generation = this.generation;
    this.set({ mining: { state: 'mining', message: 'Mining a block…' } });
    try {
      const result = await this.api.mine();
      if (generation !== this.generation) return;
      if (result.mined) {
        this.set({
          mining: {
            state: 'done',
            height: result.height,
            posts: result.posts,
            message: `Block #${result.height} mined with ${result.posts === 1 ? '1 post' : `${result.posts} posts`}.`,
          },
        });
        void this.onBlockEvent({ hash: result.hash, height: result.height, posts: result.posts });
      } else {
        this.set({ mining: { state: 'done', message: 'Nothing to mine: no posts are pending.' } });
      }
    } catch (error) {
      if (generation !== this.generation) return;
      this.set({ mining: { state: 'error', message: `Mining failed: ${this.failed(error)}` } });
    }
  }

  setName(name: string): void {
    if (name === this.state.name) return;
    storage.set('yournet.name', name);
    this.set({ name });
  }

  /** Replaces the identity (import) or creates one. */
  setIdentity(identity: Identity, name?: string): void {
    saveIdentity(identity);
    this.set({ identity });
    if (name !== undefined) this.setName(name);
  }

  setTheme(theme: AppState['theme']): void {
    if (theme === 'system') storage.remove('yournet.theme');
    else storage.set('yournet.theme', theme);
    this.set({ theme });
  }
}

function loadIdentity(): { identity?: Identity } {
  const text = storage.get('yournet.identity');
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as Identity;
    if (/^[0-9a-f]{64}$/.test(value.privateKey) && /^[0-9a-f]{64}$/.test(value.publicKey))
      return { identity: value };
  } catch {
    // A damaged entry: treat as no key (a new one is made on the next post).
  }
  return {};
}

function saveIdentity(identity: Identity): void {
  storage.set('yournet.identity', JSON.stringify(identity));
}

export const store = new Store();

/** The current state; re-renders the component when it changes. */
export function useStore(): AppState {
  const [, setTick] = useState(0);
  useEffect(() => store.subscribe(() => setTick((tick) => tick + 1)), []);
  return store.state;
}
