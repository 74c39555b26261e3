/**
 * The node's HTTP API as the app uses it: the JSON shapes of src/node/store/queries.ts and
 * src/node/api/v1.ts (mirrored here: the app imports src/core only), requests with timeouts,
 * and errors that say what went wrong in words a person can act on.
 */
import type { MerkleProof } from '../../src/core/merkle.ts';
import type { Post } from '../../src/core/post.ts';

export interface PostView {
  readonly id: string;
  readonly seq: number;
  readonly post: Post;
  readonly status: 'pending' | 'confirmed';
  readonly block?: { readonly hash: string; readonly height: number; readonly position: number };
  readonly confirmations?: number;
  readonly signed: boolean;
  /** Milliseconds since the epoch when the node stored it. */
  readonly received_at: number;
  readonly replies: number;
}

export interface PostDetail extends PostView {
  readonly proof?: MerkleProof;
  readonly merkle_root?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly next?: number;
}

export interface BlockSummary {
  readonly hash: string;
  readonly height: number;
  readonly previous_hash: string;
  readonly merkle_root: string;
  readonly timestamp: number;
  readonly bits: number;
  readonly nonce: number;
  readonly version: number;
  readonly target: string;
  readonly difficulty: number;
  readonly chainwork: string;
  readonly post_count: number;
  readonly size: number;
  readonly confirmations: number;
}

export interface BlockDetail extends BlockSummary {
  readonly transactions: Post[];
  readonly ids: string[];
  readonly on_best_chain: boolean;
}

export interface NodeStatus {
  readonly network: string;
  readonly version: string;
  readonly genesis: string;
  readonly height: number;
  readonly tip: string;
  readonly tip_timestamp: number;
  readonly chainwork: string;
  readonly bits: number;
  readonly pending: { readonly count: number; readonly bytes: number };
  readonly peers: string[];
  readonly mining: {
    readonly active: boolean;
    readonly continuous: boolean;
    readonly workers: number;
    readonly hashrate: number;
  };
  readonly uptime: number;
}

export type MineResult =
  | { readonly mined: true; readonly hash: string; readonly height: number; readonly posts: number }
  | { readonly mined: false; readonly reason: string; readonly message: string };

export interface FeedQuery {
  readonly limit?: number;
  readonly before?: number;
  readonly author?: string;
  readonly pubkey?: string;
  readonly reply_to?: string;
  readonly q?: string;
}

/** A failed request: `network` when the node could not be reached, `http` when it refused. */
export class ApiError extends Error {
  constructor(
    readonly kind: 'network' | 'http',
    message: string,
    readonly status = 0,
    readonly code = '',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TIMEOUT_MS = 15_000;
/** Mining answers once the block is mined: allow it much longer. */
const MINE_TIMEOUT_MS = 130_000;

function query(params: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** A client of one node; `base` is its URL without a trailing slash, or '' for this page's origin. */
export class NodeApi {
  constructor(readonly base: string) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = TIMEOUT_MS): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers:
          body !== undefined
            ? { 'content-type': 'application/json', accept: 'application/json' }
            : { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      const reason =
        error instanceof DOMException && error.name === 'TimeoutError'
          ? 'it did not answer in time'
          : 'it cannot be reached';
      throw new ApiError('network', `The node ${this.base || 'serving this page'}: ${reason}.`);
    }
    const text = await response.text().catch(() => '');
    let data: unknown;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (!response.ok) {
      const error = (data ?? {}) as { error?: unknown; message?: unknown };
      const message =
        typeof error.message === 'string' && error.message !== ''
          ? error.message
          : `the node answered ${response.status} ${response.statusText}`.trim();
      throw new ApiError(
        'http',
        message,
        response.status,
        typeof error.error === 'string' ? error.error : '',
      );
    }
    if (data === undefined)
      throw new ApiError('http', 'the node sent an answer that is not JSON', response.status);
    return data as T;
  }

  status(): Promise<NodeStatus> {
    return this.request('GET', '/api/v1/status');
  }

  feed(q: FeedQuery): Promise<Page<PostView>> {
    return this.request('GET', `/api/v1/posts${query({ ...q })}`);
  }

  post(id: string): Promise<PostDetail> {
    return this.request('GET', `/api/v1/posts/${encodeURIComponent(id)}`);
  }

  blocks(limit: number, before?: number): Promise<Page<BlockSummary>> {
    return this.request('GET', `/api/v1/blocks${query({ limit, before })}`);
  }

  block(hashOrHeight: string): Promise<BlockDetail> {
    return this.request('GET', `/api/v1/blocks/${encodeURIComponent(hashOrHeight)}`);
  }

  pending(limit: number, after?: number): Promise<{ items: PostView[]; total: number }> {
    return this.request('GET', `/api/v1/pending${query({ limit, after })}`);
  }

  submit(post: Post): Promise<{ id: string; status: 'pending' | 'confirmed' }> {
    return this.request('POST', '/api/v1/posts', post);
  }

  mine(): Promise<MineResult> {
    return this.request('POST', '/api/v1/mine', undefined, MINE_TIMEOUT_MS);
  }

  eventsUrl(): string {
    return `${this.base}/api/v1/events`;
  }
}
