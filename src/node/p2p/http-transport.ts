import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { MAIN } from '../../core/params.ts';
import { blockJsonLimits, type JsonLimits, parseBoundedJson } from '../api/bounded-json.ts';
import { isAnyErrorCode } from '../error-status.ts';
import { NodeErrorCode } from '../errors.ts';
import { hostOf, isNonPublicHost } from './address.ts';
import { boundFetch, type FetchLike } from './bound-fetch.ts';
import { P2PErrorCode, PeerError, RefusedError } from './errors.ts';
import {
  handshakeTranscript,
  identifyTranscript,
  type NodeIdentity,
  randomHex32,
  verifySignature,
} from './identity.ts';
import {
  type CompactBlock,
  type Hello,
  type Inv,
  LIMITS,
  type Parsed,
  type PendingPage,
  parseAddrAnswer,
  parseBlockPostsAnswer,
  parseBlocksAnswer,
  parseCompactAnswer,
  parseHandshakeAnswer,
  parseHeadersAnswer,
  parseIdentifyAnswer,
  parsePendingAnswer,
  parsePostsAnswer,
  parseTip,
  type TipInfo,
  type Unchecked,
} from './messages.ts';
import type { Handshake, NetStats, PeerTransport } from './transport.ts';

export interface HttpTransportOptions {
  /** The node key that signs handshakes and identify answers. */
  readonly identity: NodeIdentity;
  /** The session token of the peer at a URL, sent as `Authorization: YourNet-Session <token>`. */
  readonly sessionFor: (url: string) => string | undefined;
  /** Whether loopback, private and link-local targets are allowed (regtest, --allow-private-peers). */
  readonly allowPrivate: boolean;
  readonly stats: NetStats;
  /** Timeout of small requests (handshake, inv, addr, headers), ms. */
  readonly timeoutMs?: number;
  /** Timeout of body downloads, ms. */
  readonly bodyTimeoutMs?: number;
  /** Structure limits of one block's JSON (`blockJsonLimits(params)`); main's by default. */
  readonly blockLimits?: JsonLimits;
  /**
   * The local IP that outbound peer connections leave from (`--outbound-address`); the system's
   * choice when absent. The address must be local and of the peers' family.
   */
  readonly outboundAddress?: string;
}

/**
 * Most structural tokens per character of an honest /p2p/blocks answer. The densest valid post
 * (`{"author":"a","content":"b","timestamp":0,"stamp":{"bits":1,"nonce":0}},`) has 13 tokens in
 * 72 characters (0.18), a header fewer; a flood of `{},` has 0.67.
 */
const ANSWER_TOKENS_PER_CHAR = 0.25;

/**
 * Structure limits of a /p2p/blocks answer `{"blocks":[...]}` for `asked` hashes, `chars` long:
 * at most `asked` blocks each within `block`, and no denser in tokens than honest blocks are,
 * so a flood of tiny objects is refused by a scan before JSON.parse builds any of them.
 */
export function blocksAnswerLimits(block: JsonLimits, asked: number, chars: number): JsonLimits {
  const byCount = 3 + asked * (block.maxElements + 1);
  const byDensity = 64 + Math.floor(chars * ANSWER_TOKENS_PER_CHAR);
  return { maxDepth: block.maxDepth + 2, maxElements: Math.min(byCount, byDensity) };
}

/** The authorization scheme of a peer session (docs/PROTOCOL.md §11.1). */
export const SESSION_SCHEME = 'YourNet-Session';

/** The session token of a request's `Authorization: YourNet-Session <token>` header. */
export function sessionOf(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^YourNet-Session ([0-9a-f]{64})$/.exec(header);
  return match?.[1];
}

/**
 * The peer protocol over HTTP/JSON with Node's fetch. Every request: a timeout
 * (AbortSignal.timeout), a response size cap enforced while streaming, redirects refused,
 * http(s) only (addresses are normalised before they get here).
 */
export class HttpTransport implements PeerTransport {
  private readonly timeoutMs: number;
  private readonly bodyTimeoutMs: number;
  private readonly blockLimits: JsonLimits;
  private readonly fetch: FetchLike;

  constructor(private readonly options: HttpTransportOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.bodyTimeoutMs = options.bodyTimeoutMs ?? 30_000;
    this.blockLimits = options.blockLimits ?? blockJsonLimits(MAIN);
    this.fetch = options.outboundAddress !== undefined ? boundFetch(options.outboundAddress) : fetch;
  }

  /**
   * Both steps of the handshake: sends the hello with a fresh nonce, checks that the answer is
   * signed by the key it names over both nonces, then proves this node's key by signing the
   * responder's nonce on the session. Resolves with the responder's hello (its key proven).
   */
  async handshake(peer: string, hello: Hello): Promise<Handshake> {
    const challenge = randomHex32();
    const raw = await this.request(
      peer,
      '/p2p/handshake',
      { ...hello, challenge },
      LIMITS.handshakeBytes,
      this.timeoutMs,
    );
    const answer = typed('handshake', parseHandshakeAnswer(raw));
    const mine = { key: hello.key, challenge };
    const theirs = { key: answer.key, challenge: answer.challenge };
    const signed = handshakeTranscript('responder', hello.network, mine, theirs);
    if (!verifySignature(answer.key, signed, answer.signature)) {
      throw new PeerError(
        P2PErrorCode.BAD_HANDSHAKE,
        'the handshake answer is not signed by the key it names',
      );
    }
    const signature = this.options.identity.sign(
      handshakeTranscript('initiator', hello.network, mine, theirs),
    );
    const confirmed = await this.request(
      peer,
      '/p2p/handshake/confirm',
      { signature },
      LIMITS.smallBytes,
      this.timeoutMs * 2,
      answer.session,
    );
    const admitted = (confirmed as { admitted?: unknown } | undefined)?.admitted === true;
    const { challenge: _c, signature: _s, session, ...theirHello } = answer;
    return { hello: theirHello, session, admitted };
  }

  async identify(peer: string, network: string): Promise<string> {
    const challenge = randomHex32();
    const raw = await this.request(
      peer,
      `/p2p/identify?challenge=${challenge}`,
      undefined,
      LIMITS.smallBytes,
      this.timeoutMs,
    );
    const answer = typed('identify', parseIdentifyAnswer(raw));
    if (!verifySignature(answer.key, identifyTranscript(network, challenge, peer), answer.signature)) {
      throw new PeerError(
        P2PErrorCode.BAD_HANDSHAKE,
        'the identify answer does not prove a key at that address',
      );
    }
    return answer.key;
  }

  async headers(peer: string, locator: readonly string[], stop?: string): Promise<readonly Unchecked[]> {
    const body = stop === undefined ? { locator } : { locator, stop };
    const answer = await this.request(peer, '/p2p/headers', body, LIMITS.headersBytes, this.timeoutMs * 2);
    return typed('headers', parseHeadersAnswer(answer));
  }

  async blocks(peer: string, hashes: readonly string[], timeoutMs?: number): Promise<readonly Unchecked[]> {
    const answer = await this.request(
      peer,
      '/p2p/blocks',
      { hashes },
      LIMITS.blocksBytes,
      timeoutMs ?? this.bodyTimeoutMs,
      undefined,
      (text) => parseBlocksJson(text, blocksAnswerLimits(this.blockLimits, hashes.length, text.length)),
    );
    return typed('blocks', parseBlocksAnswer(answer, hashes.length));
  }

  async posts(peer: string, ids: readonly string[]): Promise<readonly Unchecked[]> {
    const answer = await this.request(
      peer,
      `/p2p/posts?ids=${ids.join(',')}`,
      undefined,
      LIMITS.postsBytes,
      this.timeoutMs * 2,
    );
    return typed('posts', parsePostsAnswer(answer, ids.length));
  }

  async announce(peer: string, inv: Inv): Promise<void> {
    await this.request(peer, '/p2p/inv', inv, LIMITS.smallBytes, this.timeoutMs);
  }

  async ping(peer: string): Promise<TipInfo> {
    const answer = await this.request(peer, '/p2p/ping', {}, LIMITS.smallBytes, this.timeoutMs);
    return typed('ping', parseTip((answer as { tip?: unknown } | undefined)?.tip));
  }

  async addresses(peer: string): Promise<string[]> {
    const answer = await this.request(peer, '/p2p/addr', undefined, LIMITS.addrBytes, this.timeoutMs);
    return typed('addr', parseAddrAnswer(answer));
  }

  async compactBlock(peer: string, hash: string): Promise<CompactBlock> {
    const answer = await this.request(
      peer,
      `/p2p/compact?hash=${hash}`,
      undefined,
      LIMITS.compactBytes,
      this.timeoutMs,
    );
    return typed('compact', parseCompactAnswer(answer, hash, MAIN.maxBlockPosts));
  }

  async pushCompact(peer: string, compact: CompactBlock): Promise<void> {
    await this.request(peer, '/p2p/cmpctblock', compact, LIMITS.smallBytes, this.timeoutMs);
  }

  async blockPosts(peer: string, hash: string, indexes: readonly number[]): Promise<readonly Unchecked[]> {
    const answer = await this.request(
      peer,
      '/p2p/blocktxn',
      { hash, indexes },
      LIMITS.blockPostsBytes,
      this.bodyTimeoutMs,
      undefined,
      (text) => parseBlocksJson(text, blocksAnswerLimits(this.blockLimits, 1, text.length), '/p2p/blocktxn'),
    );
    return typed('blocktxn', parseBlockPostsAnswer(answer, indexes.length));
  }

  async pendingIds(peer: string, after: number): Promise<PendingPage> {
    const answer = await this.request(
      peer,
      `/p2p/pending?after=${after}`,
      undefined,
      LIMITS.pendingBytes,
      this.timeoutMs,
    );
    return typed('pending', parsePendingAnswer(answer));
  }

  private async request(
    peer: string,
    path: string,
    body: unknown,
    maxBytes: number,
    timeoutMs: number,
    session = this.options.sessionFor(peer),
    parse: (text: string) => unknown = (text) => parseJson(text, path),
  ): Promise<unknown> {
    const stats = this.options.stats;
    const url = `${peer}${path}`;
    if (!/^https?:\/\//.test(url)) throw new PeerError(P2PErrorCode.BAD_MESSAGE, 'only http(s) peers');
    if (!this.options.allowPrivate) await refuseNonPublic(peer);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (session !== undefined) headers.authorization = `${SESSION_SCHEME} ${session}`;
    stats.requestsSent++;
    stats.count(path, (payload === undefined ? 0 : Buffer.byteLength(payload)) + path.length + 64, 0);
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await this.fetch(url, {
        method: payload === undefined ? 'GET' : 'POST',
        headers,
        body: payload,
        redirect: 'manual',
        signal,
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        throw new PeerError(P2PErrorCode.REDIRECT, `${path}: the peer answered a redirect, never followed`);
      }
      const text = await readCapped(response, maxBytes, path);
      stats.count(path, 0, Buffer.byteLength(text));
      // An error answer is small and never a block list: the plain parser reads it.
      const json = text === '' ? undefined : response.ok ? parse(text) : parseJson(text, path);
      if (!response.ok) {
        const given =
          typeof json === 'object' && json !== null && typeof (json as { error?: unknown }).error === 'string'
            ? (json as { error: string }).error.slice(0, 40)
            : undefined;
        // The peer's code is kept only when it is one of ours; another string is just a bad status.
        // The peer's own text is never kept: it would reach /register_with callers (issue 9, 5).
        const code = given !== undefined && isAnyErrorCode(given) ? given : P2PErrorCode.BAD_STATUS;
        const message = `${path}: the peer answered ${response.status} ${code}`;
        const offered = (json as { peers?: unknown } | undefined)?.peers;
        if (code === P2PErrorCode.TOO_MANY_PEERS && offered !== undefined) {
          const parsed = parseAddrAnswer({ peers: offered });
          throw new RefusedError(code, message, parsed.ok ? parsed.value : []);
        }
        throw new PeerError(code, message);
      }
      return json;
    } catch (error) {
      const failure = asPeerError(error, path, timeoutMs, signal);
      stats.failed(path, failure.code);
      throw failure;
    }
  }
}

/** A failed request as the PeerError it is reported with: timeouts and unreachable peers get their codes. */
function asPeerError(error: unknown, path: string, timeoutMs: number, signal: AbortSignal): PeerError {
  if (error instanceof PeerError) return error;
  const name = (error as Error).name;
  if (name === 'TimeoutError' || name === 'AbortError' || signal.aborted) {
    return new PeerError(P2PErrorCode.TIMEOUT, `${path}: no answer within ${timeoutMs} ms`);
  }
  return new PeerError(P2PErrorCode.UNREACHABLE, `${path}: the peer is unreachable`);
}

/**
 * The outbound policy on resolved addresses: a DNS name that resolves to a loopback, private or
 * link-local address is refused like the literal (address.ts checks literals before this).
 */
async function refuseNonPublic(peer: string): Promise<void> {
  const host = hostOf(peer);
  const addresses =
    isIP(host) !== 0
      ? [host]
      : await lookup(host, { all: true }).then(
          (found) => found.map((entry) => entry.address),
          () => [] as string[],
        );
  if (isIP(host) === 0 && addresses.length === 0) {
    throw new PeerError(P2PErrorCode.UNREACHABLE, "the peer's name does not resolve");
  }
  if (addresses.some(isNonPublicHost)) {
    throw new PeerError(P2PErrorCode.ADDRESS_REFUSED, 'the peer resolves to a non-public address');
  }
}

/** JSON.parse, failing as P2P_BAD_MESSAGE. */
function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PeerError(P2PErrorCode.BAD_MESSAGE, `${path}: the answer is not JSON`);
  }
}

/** A block (or block posts) answer, scanned within `limits` before it is parsed (issue 9, finding 3). */
function parseBlocksJson(text: string, limits: JsonLimits, path = '/p2p/blocks'): unknown {
  const parsed = parseBoundedJson(text, limits);
  if (parsed.ok) return parsed.value;
  if (parsed.code === NodeErrorCode.PAYLOAD_TOO_COMPLEX) {
    throw new PeerError(P2PErrorCode.TOO_LARGE, `${path}: ${parsed.message}`);
  }
  throw new PeerError(P2PErrorCode.BAD_MESSAGE, `${path}: the answer is not JSON`);
}

/** The parsed answer, or the PeerError (P2P_BAD_MESSAGE, 100 points) for one of the wrong form. */
function typed<T>(kind: string, parsed: Parsed<T>): T {
  if (!parsed.ok) throw new PeerError(P2PErrorCode.BAD_MESSAGE, `${kind}: ${parsed.message}`);
  return parsed.value;
}

/** Reads a response body as UTF-8, failing as soon as it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number, path: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new PeerError(P2PErrorCode.TOO_LARGE, `${path}: ${declared} bytes is over the cap of ${maxBytes}`);
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new PeerError(P2PErrorCode.TOO_LARGE, `${path}: the answer is over the cap of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
