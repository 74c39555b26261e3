import { createHash } from 'node:crypto';
import { REGTEST } from '#core/params.ts';
import { NodeErrorCode } from '#node/errors.ts';
import { P2PErrorCode, PeerError } from '#node/p2p/errors.ts';
import type { CompactBlock, Hello, Inv, PendingPage, TipInfo, Unchecked } from '#node/p2p/messages.ts';
import type { PeerBook } from '#node/p2p/ports.ts';
import type { Handshake, PeerTransport } from '#node/p2p/transport.ts';
import type { BanKind, PeerRow, PeerSource } from '#node/store/peers.ts';

/** One request the node made through a FakeTransport. */
export type FakeCall =
  | { readonly method: 'handshake'; readonly peer: string; readonly hello: Hello }
  | { readonly method: 'headers'; readonly peer: string; readonly locator: readonly string[] }
  | {
      readonly method: 'blocks';
      readonly peer: string;
      readonly hashes: readonly string[];
      readonly timeoutMs?: number | undefined;
    }
  | { readonly method: 'posts'; readonly peer: string; readonly ids: readonly string[] }
  | { readonly method: 'announce'; readonly peer: string; readonly inv: Inv }
  | { readonly method: 'addresses'; readonly peer: string }
  | { readonly method: 'identify'; readonly peer: string }
  | { readonly method: 'ping'; readonly peer: string }
  | { readonly method: 'compactBlock'; readonly peer: string; readonly hash: string }
  | {
      readonly method: 'blockPosts';
      readonly peer: string;
      readonly hash: string;
      readonly indexes: readonly number[];
    }
  | { readonly method: 'pendingIds'; readonly peer: string; readonly after: number };

/** What each method of a FakeTransport answers; a missing one rejects as unreachable. */
export interface FakeHandlers {
  handshake?(peer: string, hello: Hello): Promise<Hello>;
  headers?(peer: string, locator: readonly string[]): Promise<readonly Unchecked[]>;
  /** Its answer loses to P2P_TIMEOUT when the caller's `timeoutMs` passes first. */
  blocks?(peer: string, hashes: readonly string[]): Promise<readonly Unchecked[]>;
  posts?(peer: string, ids: readonly string[]): Promise<readonly Unchecked[]>;
  announce?(peer: string, inv: Inv): Promise<void>;
  addresses?(peer: string): Promise<string[]>;
  /** Default: the key of fakeHello(peer). */
  identify?(peer: string): Promise<string>;
  ping?(peer: string): Promise<TipInfo>;
  /** Compact relay and pending sync: a missing handler answers 404 NOT_FOUND, as an older peer. */
  compactBlock?(peer: string, hash: string): Promise<CompactBlock>;
  blockPosts?(peer: string, hash: string, indexes: readonly number[]): Promise<readonly Unchecked[]>;
  pendingIds?(peer: string, after: number): Promise<PendingPage>;
}

/** The fake node key of the peer at `url` (stable per URL). */
export function fakeKey(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

const unreachable = (peer: string) =>
  Promise.reject(new PeerError(P2PErrorCode.UNREACHABLE, `${peer}: no fake answer`));

/** What a peer older than compact relay answers its routes (the API's not-found refusal). */
const noRoute = (peer: string) =>
  Promise.reject(new PeerError(NodeErrorCode.NOT_FOUND, `${peer}: the peer answered 404 NOT_FOUND`));

/** `answer`, or P2P_TIMEOUT after `ms` (as HttpTransport's AbortSignal.timeout). */
function withTimeout<T>(answer: Promise<T>, ms: number, peer: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new PeerError(P2PErrorCode.TIMEOUT, `${peer}: no answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A PeerTransport without sockets: it records every call and answers with the test's handlers,
 * so the peer layer's logic (gossip, intake, sync, the peer manager) runs in one process, fast.
 */
export class FakeTransport implements PeerTransport {
  readonly calls: FakeCall[] = [];

  constructor(public handlers: FakeHandlers = {}) {}

  callsOf<M extends FakeCall['method']>(method: M): Extract<FakeCall, { method: M }>[] {
    return this.calls.filter((call): call is Extract<FakeCall, { method: M }> => call.method === method);
  }

  /** The handler answers the peer's hello; the fake adds a session (the signatures are HttpTransport's). */
  handshake(peer: string, hello: Hello): Promise<Handshake> {
    this.calls.push({ method: 'handshake', peer, hello });
    const answer = this.handlers.handshake?.(peer, hello);
    if (answer === undefined) return unreachable(peer);
    return answer.then((theirs) => ({ hello: theirs, session: fakeKey(`session:${peer}`), admitted: true }));
  }

  identify(peer: string): Promise<string> {
    this.calls.push({ method: 'identify', peer });
    return this.handlers.identify?.(peer) ?? Promise.resolve(fakeKey(peer));
  }

  ping(peer: string): Promise<TipInfo> {
    this.calls.push({ method: 'ping', peer });
    return this.handlers.ping?.(peer) ?? unreachable(peer);
  }

  headers(peer: string, locator: readonly string[]): Promise<readonly Unchecked[]> {
    this.calls.push({ method: 'headers', peer, locator });
    return this.handlers.headers?.(peer, locator) ?? unreachable(peer);
  }

  blocks(peer: string, hashes: readonly string[], timeoutMs?: number): Promise<readonly Unchecked[]> {
    this.calls.push({ method: 'blocks', peer, hashes, timeoutMs });
    const answer = this.handlers.blocks?.(peer, hashes) ?? unreachable(peer);
    return timeoutMs === undefined ? answer : withTimeout(answer, timeoutMs, peer);
  }

  posts(peer: string, ids: readonly string[]): Promise<readonly Unchecked[]> {
    this.calls.push({ method: 'posts', peer, ids });
    return this.handlers.posts?.(peer, ids) ?? unreachable(peer);
  }

  announce(peer: string, inv: Inv): Promise<void> {
    this.calls.push({ method: 'announce', peer, inv });
    return this.handlers.announce?.(peer, inv) ?? unreachable(peer);
  }

  addresses(peer: string): Promise<string[]> {
    this.calls.push({ method: 'addresses', peer });
    return this.handlers.addresses?.(peer) ?? unreachable(peer);
  }

  compactBlock(peer: string, hash: string): Promise<CompactBlock> {
    this.calls.push({ method: 'compactBlock', peer, hash });
    return this.handlers.compactBlock?.(peer, hash) ?? noRoute(peer);
  }

  blockPosts(peer: string, hash: string, indexes: readonly number[]): Promise<readonly Unchecked[]> {
    this.calls.push({ method: 'blockPosts', peer, hash, indexes });
    return this.handlers.blockPosts?.(peer, hash, indexes) ?? noRoute(peer);
  }

  pendingIds(peer: string, after: number): Promise<PendingPage> {
    this.calls.push({ method: 'pendingIds', peer, after });
    return this.handlers.pendingIds?.(peer, after) ?? noRoute(peer);
  }
}

/** A regtest handshake from `url`, claiming `chainwork` (hex). */
export function fakeHello(
  url: string,
  chainwork = '2',
  nonce = url.length.toString(16).padStart(16, 'f'),
): Hello {
  return {
    protocol: 1,
    network: 'regtest',
    genesis: REGTEST.genesisHash,
    nonce,
    url,
    height: 0,
    tip: REGTEST.genesisHash,
    chainwork,
    agent: 'fake',
    key: fakeKey(url),
  };
}

/** A promise with its resolve and reject, to hold a fake answer in flight. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The peers table in memory (the PeerStore's contract, without SQLite). */
export class MemoryPeerBook implements PeerBook {
  readonly rows = new Map<string, PeerRow>();

  add(url: string, source: PeerSource = 'config'): boolean {
    if (this.rows.has(url)) return false;
    this.rows.set(url, {
      url,
      added_at: Date.now(),
      last_seen: null,
      banned_until: null,
      score: 0,
      ban_reason: null,
      source,
    });
    return true;
  }
  get(url: string): PeerRow | undefined {
    return this.rows.get(url);
  }
  list(): PeerRow[] {
    return [...this.rows.values()];
  }
  count(): number {
    return this.rows.size;
  }
  markSeen(url: string, at = Date.now()): void {
    const row = this.rows.get(url);
    if (row !== undefined) row.last_seen = at;
  }
  setScore(url: string, score: number): void {
    const row = this.rows.get(url);
    if (row !== undefined) row.score = score;
  }
  discourage(url: string, until: number, reason: string): void {
    const row = this.rows.get(url);
    if (row !== undefined) Object.assign(row, { banned_until: until, ban_reason: reason, score: 0 });
  }
  isDiscouraged(url: string, now = Date.now()): boolean {
    const until = this.rows.get(url)?.banned_until;
    return until !== null && until !== undefined && until > now;
  }
  remove(url: string): void {
    this.rows.delete(url);
  }
  readonly bans = new Map<string, number>();
  evictNeverConnected(): boolean {
    const row = [...this.rows.values()].find((candidate) => candidate.last_seen === null);
    return row !== undefined && this.rows.delete(row.url);
  }
  ban(kind: BanKind, value: string, until: number): void {
    this.bans.set(`${kind}:${value}`, until);
  }
  isBanned(kind: BanKind, value: string, now = Date.now()): boolean {
    return (this.bans.get(`${kind}:${value}`) ?? 0) > now;
  }
}
