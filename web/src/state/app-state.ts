/**
 * The composition of the app's state: one hub that components subscribe to, and the owners that
 * write it (connection, feed, threads, mining, identity, theme, clock), wired together. The
 * actions that touch more than one owner (a post arriving, a block confirming posts, publishing,
 * switching node) live here, each as one batch so components see one change.
 */

import type { CryptoPort } from '#core/crypto.ts';
import { ApiError, type BlockSummary, type NodeApi, type PostView } from '../api.ts';
import { loadCrypto } from '../lib/ed25519.ts';
import type { Identity } from '../lib/identity-format.ts';
import { storage } from '../lib/storage.ts';
import type { Bootstrap } from './bootstrap.ts';
import { ConnectionStore } from './connection.ts';
import { FeedStore } from './feed.ts';
import { StateHub } from './hub.ts';
import { IdentityStore, storedIdentity } from './identity.ts';
import { InOrder } from './in-order.ts';
import type { BlockEvent } from './live-events.ts';
import { loadedPostCode, loadPostCode, type PostCode } from './load-post-code.ts';
import { MineAccessStore, storedMineToken } from './mine-access.ts';
import { idleMining, MiningStore } from './mining.ts';
import { configuredNode, fetchConfiguredNode } from './node-config.ts';
import { emptyList } from './post-lists.ts';
import type { StampProgress } from './signed-post.ts';
import { storedTheme, ThemeStore } from './theme.ts';
import { ThreadsStore } from './threads.ts';
import type { AppState, Theme } from './types.ts';

const CLOCK_TICK_MS = 30_000;

export type PublishResult = { ok: true; id: string } | { ok: false; message: string; cancelled?: true };

/** The stamp a post is about to be ground for, as the Composer shows it before the work starts. */
export interface StampPlan {
  /** Expected hashes. */
  readonly work: number;
  /** Expected seconds on this device (measured hash rate, all cores). */
  readonly seconds: number;
}

export interface PublishOptions {
  /** Cancels the stamping (the post is then not sent). */
  readonly signal?: AbortSignal;
  /** The node asks for work: called once, before the workers start. */
  readonly onStamping?: (plan: StampPlan) => void;
  readonly onProgress?: (progress: StampProgress) => void;
}

export class AppStore {
  private readonly hub: StateHub<AppState>;
  private readonly connection: ConnectionStore;
  private readonly feed: FeedStore;
  private readonly threads: ThreadsStore;
  private readonly mining: MiningStore;
  private readonly mineAccess: MineAccessStore;
  private readonly identity: IdentityStore;
  private readonly theme: ThemeStore;
  private readonly tick: (patch: Pick<AppState, 'now'>) => void;
  private started = false;
  /**
   * Live events' work, in the order the events came: a post event needs the post code (which
   * parses it), and a block or an eviction must not overtake the post it is about. If the code
   * cannot be loaded, the posts' events are dropped and the feed reloaded instead.
   */
  private readonly live = new InOrder<PostCode>(loadedPostCode, loadPostCode, (runAll, code) => {
    this.hub.batch(runAll);
    if (code === undefined) void this.feed.load(true);
  });

  constructor() {
    this.hub = new StateHub<AppState>({
      nodeUrl: '',
      defaultNodeUrl: '',
      connection: 'connecting',
      feed: emptyList,
      threads: {},
      mining: idleMining,
      mineAccess: { token: storedMineToken('') },
      now: Date.now(),
      syncing: false,
      theme: storedTheme(),
      ...storedIdentity(),
    });
    this.connection = new ConnectionStore(this.hub, {
      // The newest posts, and who may mine (the policy may have changed while the node was away).
      loadLatest: async () => {
        await Promise.all([this.feed.load(true), this.mineAccess.refresh()]);
      },
      onPost: (data) => this.live.run((code) => this.onPostEvent(code, data)),
      onBlock: (event) => this.live.run(() => void this.onBlockEvent(event)),
      // Evicted posts will not be mined from this pool: they leave the feed and the threads.
      onEvicted: (id) => this.live.run(() => this.removePost(id)),
    });
    this.feed = new FeedStore(this.hub, this.connection);
    this.threads = new ThreadsStore(this.hub, this.connection);
    this.mining = new MiningStore(this.hub, this.connection, (block) => void this.onBlockEvent(block));
    this.mineAccess = new MineAccessStore(this.hub, this.connection);
    this.identity = new IdentityStore(this.hub);
    this.theme = new ThemeStore(this.hub);
    this.tick = this.hub.own('now');
  }

  get state(): AppState {
    return this.hub.state;
  }

  subscribe(listener: () => void): () => void {
    return this.hub.subscribe(listener);
  }

  /** The client of the current node, for the pages that ask it directly. */
  get nodeApi(): NodeApi {
    return this.connection.api;
  }

  /**
   * Reads the server's default node (the page's data block, else /config.json), then connects.
   * With a data block this runs to the end before the first render (no await): the status and
   * first feed page it carries for the page's own node are in that render, and the usual sync
   * (status, feed, event stream) follows in the background.
   */
  async start(bootstrap?: Bootstrap): Promise<void> {
    if (this.started) return;
    this.started = true;
    const defaultNode = bootstrap ? configuredNode(bootstrap.config) : await fetchConfiguredNode();
    const chosen = storage.get('yournet.node');
    setInterval(() => this.tick({ now: Date.now() }), CLOCK_TICK_MS);
    this.connection.setDefaultNode(defaultNode);
    const url = chosen ?? defaultNode;
    // The data describes the node that served the page: only for that node.
    this.connect(url, url === '' ? bootstrap : undefined);
  }

  /** Switches to another node (remembered in this browser); '' or the default forgets the choice. */
  useNode(url: string): void {
    if (url === this.state.defaultNodeUrl) storage.remove('yournet.node');
    else storage.set('yournet.node', url);
    this.connect(url);
  }

  private connect(url: string, served?: Bootstrap): void {
    this.hub.batch(() => {
      this.connection.switchTo(url);
      this.feed.reset();
      this.threads.reset();
      this.mining.reset();
      this.mineAccess.reset(url);
      if (served?.status) this.connection.showStatus(served.status);
      if (served?.feed) this.feed.show(served.feed);
    });
    // With the page's data the first render needs no answer: the sync starts after it.
    if (served?.feed) setTimeout(() => void this.connection.resync(), 0);
    else void this.connection.resync();
  }

  /** Fetches the latest state: status, then the first page of the feed; reopens the event stream. */
  resync(): Promise<void> {
    return this.connection.resync();
  }

  /** One status request; moves the connection online or offline (scheduling the retry). */
  checkStatus(): Promise<boolean> {
    return this.connection.checkStatus();
  }

  /** "Retry now" on the banner. */
  retryNow(): void {
    void this.connection.resync();
  }

  /** The first page (reset) or the next page of the feed. */
  loadFeed(reset = false): Promise<void> {
    return this.feed.load(reset);
  }

  /** Opens (loads) the replies to a post, oldest first. */
  loadThread(parent: string): Promise<void> {
    return this.threads.load(parent);
  }

  /** "Load more replies": the next page of an open thread. */
  moreReplies(parent: string): Promise<void> {
    return this.threads.more(parent);
  }

  /** "Request to mine": asks the node to mine one block (with this browser's token) and reports its number. */
  mine(): Promise<void> {
    return this.mining.mine(this.state.mineAccess.token);
  }

  /** Keeps (or, with '', forgets) the mining token for the current node. */
  setMineToken(token: string): Promise<void> {
    return this.mineAccess.setToken(token.trim());
  }

  /** Unlocks the passphrase-sealed key for this visit; the message on failure. */
  unlockKey(passphrase: string): Promise<string | undefined> {
    return this.identity.unlock(passphrase);
  }

  /** Seals the key with a passphrase in localStorage. */
  protectKey(passphrase: string): Promise<void> {
    return this.identity.protect(passphrase);
  }

  /** Stores the key in clear again. */
  unprotectKey(): void {
    this.identity.unprotect();
  }

  /** The key file was downloaded, or the reminder dismissed. */
  markKeyBackedUp(): void {
    this.identity.markBackedUp();
  }

  setName(name: string): void {
    this.identity.setName(name);
  }

  /** Replaces the identity (import) or creates one. */
  setIdentity(identity: Identity, name?: string): void {
    this.hub.batch(() => this.identity.set(identity, name));
  }

  setTheme(theme: Theme): void {
    this.theme.set(theme);
  }

  /**
   * Stamps, signs and sends a post; the first post creates the key. The node's policy says how
   * much stamp work the post needs (none on a quiet regtest node: sent at once); the work is done
   * in Web Workers, never on the page's thread. The post shows as pending once sent (optimistic)
   * and is taken back if the node refuses it. Returns the node's reason on refusal.
   */
  async publish(
    content: string,
    name: string,
    replyTo?: string,
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    let crypto: CryptoPort;
    let code: PostCode;
    let identity: Identity | undefined;
    try {
      [crypto, code] = await Promise.all([loadCrypto(), loadPostCode()]);
      identity = await this.identity.ensure();
    } catch (error) {
      return { ok: false, message: `The signing code could not be loaded: ${(error as Error).message}` };
    }
    if (identity === undefined) {
      return { ok: false, message: 'Your key is locked: unlock it with your passphrase first.' };
    }
    this.identity.setName(name);
    const { draftPost, signDraft, pricedSize, bitsForWork, expectedSeconds, hashRate, stampInWorkers } = code;
    const now = Date.now();
    const draft = draftPost(identity, name, content, replyTo, now);
    // The form check first, so a post the node would refuse costs no work.
    let signed = signDraft(crypto, identity, draft, now);
    if (!signed.ok) return signed;
    let work: number;
    try {
      work = await this.stampWork(pricedSize(draft));
    } catch (error) {
      return { ok: false, message: `The post was not sent: ${this.connection.failed(error)}` };
    }
    if (work > 0) {
      const bits = bitsForWork(BigInt(work));
      options.onStamping?.({ work, seconds: expectedSeconds(bits, hashRate.estimate(crypto)) });
      try {
        const stamped = await stampInWorkers(draft, bits, {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
        hashRate.observe(stamped.hashes, stamped.seconds);
        signed = signDraft(crypto, identity, draft, now, stamped.stamp);
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') {
          return { ok: false, cancelled: true, message: 'Stamping cancelled: the post was not sent.' };
        }
        return { ok: false, message: `The post could not be stamped: ${(error as Error).message}` };
      }
      if (!signed.ok) return signed;
    }
    const sent = signed;
    this.addPost(sent.view);
    try {
      await this.connection.api.submit(sent.post);
      return { ok: true, id: sent.id };
    } catch (error) {
      this.removePost(sent.id);
      if (error instanceof ApiError && error.kind === 'http') {
        return { ok: false, message: `The node refused the post: ${error.message}` };
      }
      return { ok: false, message: `The post was not sent: ${this.connection.failed(error)}` };
    }
  }

  /**
   * The stamp work to put in a post of `bytes`: the node's estimate for the next block (at least
   * what its pool asks now). A node without the policy route (older) asks for none.
   */
  private async stampWork(bytes: number): Promise<number> {
    try {
      const policy = await this.connection.api.policy(bytes);
      return Math.max(policy.required_work, policy.next_block_work);
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'http' && error.status === 404) return 0;
      throw error;
    }
  }

  private onPostEvent(code: PostCode | undefined, data: unknown): void {
    if (code === undefined) return;
    const view = code.postEventView(data, Date.now());
    if (view === undefined) return;
    this.hub.batch(() => {
      this.addPost(view);
      this.connection.countPending();
    });
  }

  private async onBlockEvent(event: BlockEvent): Promise<void> {
    const generation = this.connection.generation;
    this.connection.advanceTip(event);
    if (event.posts > 0) {
      try {
        const block = await this.connection.api.block(event.hash);
        if (generation !== this.connection.generation) return;
        this.confirm(block, block.ids);
      } catch (error) {
        this.connection.failed(error);
      }
    }
    void this.connection.checkStatus();
  }

  /** Adds a post at the top of the feed (and to its thread, when open), unless it is there already. */
  private addPost(view: PostView): void {
    this.hub.batch(() => {
      if (this.feed.add(view)) this.threads.addReply(view);
    });
  }

  private removePost(id: string): void {
    this.hub.batch(() => {
      this.feed.remove(id);
      this.threads.remove(id);
    });
  }

  /** Marks the posts of a block confirmed wherever they are shown. */
  private confirm(block: BlockSummary, ids: readonly string[]): void {
    this.hub.batch(() => {
      this.threads.confirm(block, ids);
      this.feed.confirm(block, ids);
    });
  }
}
