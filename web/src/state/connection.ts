/**
 * The connection to the node: which node, its status (polled every 15 s), the "cannot reach the
 * node" banner with its retry schedule, the event stream, and the sync that brings the view up
 * to date. It owns the node URLs, the connection fields and the status; other owners reach the
 * node through it (the `Session`), so a request made for a node the app has left is dropped.
 */
import { ApiError, NodeApi, type NodeStatus } from '../api.ts';
import { Backoff } from './backoff.ts';
import { type LiveHandlers, openEventStream } from './event-stream.ts';
import type { StateHub, Writer } from './hub.ts';
import type { BlockEvent } from './live-events.ts';
import type { AppState } from './types.ts';

const STATUS_POLL_MS = 15_000;

/** What the other owners need of the connection. */
export interface Session {
  /** The client of the current node. */
  readonly api: NodeApi;
  /** Changes whenever the app switches node: an answer for an older generation is dropped. */
  readonly generation: number;
  /** Reports a failed request (a network failure means the node went away); returns its message. */
  failed(error: unknown): string;
}

export interface ConnectionHooks {
  /** Loads the newest posts: on every sync, and again when the node is back after an outage. */
  loadLatest(): Promise<void>;
  /** A post entered the node's pending pool. */
  onPost(data: unknown): void;
  /** A block joined the best chain. */
  onBlock(event: BlockEvent): void;
  /** A pending post was evicted from the node's full pool. */
  onEvicted(id: string): void;
}

type Owned =
  | 'nodeUrl'
  | 'defaultNodeUrl'
  | 'connection'
  | 'connectionError'
  | 'retryAt'
  | 'status'
  | 'syncing'
  | 'lastSync';

export class ConnectionStore implements Session {
  api = new NodeApi('');
  generation = 0;
  private readonly write: Writer<AppState, Owned>;
  private events: EventSource | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  /** Status requests under way (failed() leaves the verdict to them). */
  private statusChecks = 0;
  private readonly backoff = new Backoff();

  constructor(
    private readonly hub: StateHub<AppState>,
    private readonly hooks: ConnectionHooks,
  ) {
    this.write = hub.own(
      'nodeUrl',
      'defaultNodeUrl',
      'connection',
      'connectionError',
      'retryAt',
      'status',
      'syncing',
      'lastSync',
    );
  }

  private get state(): AppState {
    return this.hub.state;
  }

  setDefaultNode(url: string): void {
    this.write({ defaultNodeUrl: url });
  }

  /** Starts over with another node: whatever is in flight for the last one is dropped. */
  switchTo(url: string): void {
    this.generation++;
    this.events?.close();
    this.events = undefined;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.api = new NodeApi(url);
    this.backoff.reset();
    this.write({
      nodeUrl: url,
      connection: 'connecting',
      connectionError: undefined,
      retryAt: undefined,
      status: undefined,
    });
  }

  /**
   * Fetches the latest state: the status and the newest posts side by side (both preloaded with
   * the page when this node serves the app: no round trip between them); reopens the event
   * stream. Unreachable, the feed still shows the last one the browser kept (the service
   * worker's copy).
   */
  async resync(): Promise<void> {
    const generation = this.generation;
    this.write({ syncing: true });
    try {
      const [ok] = await Promise.all([this.checkStatus(), this.hooks.loadLatest()]);
      if (generation !== this.generation || !ok) return;
      this.openEvents();
      this.write({ lastSync: Date.now() });
    } finally {
      if (generation === this.generation) this.write({ syncing: false });
    }
  }

  /** One status request; moves the connection online or offline (scheduling the retry). */
  async checkStatus(): Promise<boolean> {
    const generation = this.generation;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.statusChecks++;
    try {
      const status = await this.api.status();
      if (generation !== this.generation) return false;
      const wasOffline = this.state.connection === 'offline';
      this.backoff.reset();
      this.write({ status, connection: 'online', connectionError: undefined, retryAt: undefined });
      this.schedulePoll(STATUS_POLL_MS);
      if (wasOffline) {
        // Back after an outage: catch up on what was missed.
        void this.hooks.loadLatest();
        this.openEvents();
      }
      return true;
    } catch (error) {
      if (generation !== this.generation) return false;
      this.goOffline(error);
      return false;
    } finally {
      this.statusChecks--;
    }
  }

  failed(error: unknown): string {
    // A status check under way decides (once: one backoff step per failed round, not two).
    if (
      error instanceof ApiError &&
      error.kind === 'network' &&
      this.state.connection !== 'offline' &&
      this.statusChecks === 0
    ) {
      this.goOffline(error);
    }
    return error instanceof Error ? error.message : String(error);
  }

  /**
   * A status the app already has (the page's data block): shown, while the connection stays
   * `connecting` until the node itself answers (the page may come from the service worker's
   * cache).
   */
  showStatus(status: NodeStatus): void {
    this.write({ status });
  }

  /** A live post raised the pending count before the next status poll says so. */
  countPending(): void {
    const status = this.state.status;
    if (status)
      this.write({ status: { ...status, pending: { ...status.pending, count: status.pending.count + 1 } } });
  }

  /** A block event moved the tip before the next status poll says so. */
  advanceTip(event: BlockEvent): void {
    const status = this.state.status;
    if (status && event.height >= status.height) {
      this.write({ status: { ...status, height: event.height, tip: event.hash } });
    }
  }

  private goOffline(error: unknown): void {
    const delay = this.backoff.next();
    this.write({
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

  private openEvents(): void {
    if (this.events !== undefined && this.events.readyState !== EventSource.CLOSED) return;
    const generation = this.generation;
    const handlers: LiveHandlers = {
      post: (data) => this.hooks.onPost(data),
      block: (event) => this.hooks.onBlock(event),
      reorg: () => void this.resync(),
      evicted: (id) => this.hooks.onEvicted(id),
      error: (closed) => {
        // The browser reconnects by itself; check whether the node is still there.
        if (closed) this.events = undefined;
        void this.checkStatus();
      },
    };
    this.events = openEventStream(this.api.eventsUrl(), handlers, () => generation === this.generation);
  }
}
