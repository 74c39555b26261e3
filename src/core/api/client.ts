/**
 * One small HTTP client of a node's API for the web app, the CLI and the tests: fetch with
 * timeouts, typed methods for the routes of ./schemas.ts, and one error type that tells a
 * node that could not be reached from a node that refused (with its code and message).
 * Isomorphic: plain fetch, no Node.js APIs; imports only the types of the schemas.
 */
import type {
  BlockDetail,
  BlockSummary,
  FeedQuery,
  MineRequests,
  MineResult,
  NameInfo,
  NodeStatus,
  NotificationPage,
  Page,
  PendingPage,
  Person,
  PersonPage,
  Post,
  PostDetail,
  PostSocial,
  PostView,
  StampPolicy,
  SubmitAnswer,
} from './schemas.ts';

/** A failed request: `network` when the node could not be reached, `http` when it refused. */
export class ApiError extends Error {
  constructor(
    readonly kind: 'network' | 'http',
    message: string,
    /** The HTTP status of a refusal; 0 for a network failure. */
    readonly status = 0,
    /** The node's error code (`{error}` of the answer), '' when it sent none. */
    readonly code = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }
}

/** A successful answer: its status (200, 201, …) and its body, parsed when it is JSON. */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly data: T;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: unknown;
  readonly timeoutMs?: number;
  /** The admin token, for admin actions from another machine (sent as a Bearer token). */
  readonly token?: string;
  /** Answers that are not JSON (the tutorial's texts) are returned as text instead of refused. */
  readonly allowText?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
/** Mining answers once the block is mined: allow it much longer. */
export const MINE_TIMEOUT_MS = 130_000;

/** Answers are live state: never from the browser's cache (a RequestInit field Node's types lack). */
const NO_STORE = { cache: 'no-store' } as const;

/** `?a=1&b=x` of the defined values, '' when there are none. */
export function queryString(params: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** The node URL without trailing slashes. */
export function nodeBase(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A client of one node; `base` is its URL without a trailing slash, or '' for this page's origin. */
export class NodeClient {
  readonly base: string;

  constructor(base: string) {
    this.base = nodeBase(base);
  }

  /**
   * One request. Resolves with the status and the parsed body of a 2xx/3xx answer; rejects
   * with an ApiError of kind `network` (unreachable, timed out) or `http` (a 4xx/5xx answer,
   * with the node's code and message when it sent `{error, message}`).
   */
  async fetch<T>(path: string, options: RequestOptions = {}): Promise<ApiAnswer<T>> {
    const { method = 'GET', body, timeoutMs = DEFAULT_TIMEOUT_MS, token, allowText = false } = options;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
        ...NO_STORE,
        redirect: 'error',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const reason = timedOut ? 'it did not answer in time' : 'it cannot be reached';
      throw new ApiError('network', `The node ${this.base || 'serving this page'}: ${reason}.`, 0, '', {
        cause: error,
      });
    }
    const text = await response.text().catch(() => '');
    let data: unknown;
    let json = true;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = false;
      data = text;
    }
    if (!response.ok) {
      const refusal = (json && typeof data === 'object' && data !== null ? data : {}) as {
        error?: unknown;
        message?: unknown;
      };
      const message =
        typeof refusal.message === 'string' && refusal.message !== ''
          ? refusal.message
          : `the node answered ${response.status} ${response.statusText}`.trim();
      const code = typeof refusal.error === 'string' ? refusal.error : '';
      throw new ApiError('http', message, response.status, code);
    }
    if (!allowText && (!json || data === undefined)) {
      throw new ApiError('http', 'the node sent an answer that is not JSON', response.status);
    }
    return { status: response.status, data: data as T };
  }

  private async get<T>(path: string): Promise<T> {
    return (await this.fetch<T>(path)).data;
  }

  status(): Promise<NodeStatus> {
    return this.get('/api/v1/status');
  }

  feed(query: FeedQuery = {}): Promise<Page<PostView>> {
    return this.get(`/api/v1/posts${queryString({ ...query })}`);
  }

  post(id: string): Promise<PostDetail> {
    return this.get(`/api/v1/posts/${encodeURIComponent(id)}`);
  }

  blocks(limit: number, before?: number): Promise<Page<BlockSummary>> {
    return this.get(`/api/v1/blocks${queryString({ limit, before })}`);
  }

  block(hashOrHeight: string | number): Promise<BlockDetail> {
    return this.get(`/api/v1/blocks/${encodeURIComponent(String(hashOrHeight))}`);
  }

  pending(limit: number, after?: number): Promise<PendingPage> {
    return this.get(`/api/v1/pending${queryString({ limit, after })}`);
  }

  /** The stamp work a post of `bytes` (canonical JSON, signed and stamped) needs now (§12.4). */
  policy(bytes: number): Promise<StampPolicy> {
    return this.get(`/api/v1/policy${queryString({ bytes })}`);
  }

  /**
   * Who may ask this node for a block, as this client (with `token`, the admin token): the
   * `mine_requests` of GET /api/v1/policy; undefined from a node that does not say.
   */
  async mineRequests(token?: string): Promise<MineRequests | undefined> {
    return (await this.fetch<StampPolicy>('/api/v1/policy', token ? { token } : {})).data.mine_requests;
  }

  async submit(post: Post): Promise<SubmitAnswer> {
    return (await this.fetch<SubmitAnswer>('/api/v1/posts', { method: 'POST', body: post })).data;
  }

  /** Mines one block now (an admin action: loopback, or the admin token from elsewhere). */
  async mine(token?: string): Promise<MineResult> {
    const options = { method: 'POST', timeoutMs: MINE_TIMEOUT_MS, ...(token ? { token } : {}) } as const;
    return (await this.fetch<MineResult>('/api/v1/mine', options)).data;
  }

  /** A person by 64-hex public key or `@handle` (docs/PROTOCOL.md §13). */
  person(key: string): Promise<Person> {
    return this.get(`/api/v1/people/${encodeURIComponent(key)}`);
  }

  followers(key: string, limit = 50, after?: string): Promise<PersonPage> {
    return this.get(`/api/v1/people/${encodeURIComponent(key)}/followers${queryString({ limit, after })}`);
  }

  following(key: string, limit = 50, after?: string): Promise<PersonPage> {
    return this.get(`/api/v1/people/${encodeURIComponent(key)}/following${queryString({ limit, after })}`);
  }

  /** The home timeline of a key: posts of the keys it follows; `before` is the previous `next`. */
  timeline(pubkey: string, limit = 30, before?: number): Promise<Page<PostView>> {
    return this.get(`/api/v1/timeline/${encodeURIComponent(pubkey)}${queryString({ limit, before })}`);
  }

  notifications(pubkey: string, limit = 30, before?: number): Promise<NotificationPage> {
    return this.get(`/api/v1/notifications/${encodeURIComponent(pubkey)}${queryString({ limit, before })}`);
  }

  name(name: string): Promise<NameInfo> {
    return this.get(`/api/v1/names/${encodeURIComponent(name)}`);
  }

  /** A post's reactions, reposts, quotes, replies, edit history and deletion. */
  postSocial(id: string): Promise<PostSocial> {
    return this.get(`/api/v1/posts/${encodeURIComponent(id)}/social`);
  }

  /** The URL of the server-sent event stream (names and payloads: NodeEvents in ./schemas.ts). */
  eventsUrl(): string {
    return `${this.base}/api/v1/events`;
  }
}
