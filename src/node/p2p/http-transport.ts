import { isAnyErrorCode } from '../error-status.ts';
import { P2PErrorCode, PeerError } from './errors.ts';
import {
  type Hello,
  type Inv,
  LIMITS,
  type Parsed,
  parseAddrAnswer,
  parseBlocksAnswer,
  parseHeadersAnswer,
  parseHello,
  parsePostsAnswer,
  type Unchecked,
} from './messages.ts';
import type { NetStats, PeerTransport } from './transport.ts';

export interface HttpTransportOptions {
  /** The URL this node announces, sent as `X-YourNet-Peer` so the peer knows who asks. */
  readonly selfUrl: () => string | undefined;
  readonly stats: NetStats;
  /** Timeout of small requests (handshake, inv, addr, headers), ms. */
  readonly timeoutMs?: number;
  /** Timeout of body downloads, ms. */
  readonly bodyTimeoutMs?: number;
}

/** Peer-protocol header carrying the sender's own URL. */
export const PEER_HEADER = 'x-yournet-peer';

/**
 * The peer protocol over HTTP/JSON with Node's fetch. Every request: a timeout
 * (AbortSignal.timeout), a response size cap enforced while streaming, redirects refused,
 * http(s) only (addresses are normalised before they get here).
 */
export class HttpTransport implements PeerTransport {
  private readonly timeoutMs: number;
  private readonly bodyTimeoutMs: number;

  constructor(private readonly options: HttpTransportOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.bodyTimeoutMs = options.bodyTimeoutMs ?? 30_000;
  }

  async handshake(peer: string, hello: Hello): Promise<Hello> {
    const answer = await this.request(peer, '/p2p/handshake', hello, LIMITS.handshakeBytes, this.timeoutMs);
    return typed('handshake', parseHello(answer));
  }

  async headers(peer: string, locator: readonly string[], stop?: string): Promise<readonly Unchecked[]> {
    const body = stop === undefined ? { locator } : { locator, stop };
    const answer = await this.request(peer, '/p2p/headers', body, LIMITS.headersBytes, this.timeoutMs * 2);
    return typed('headers', parseHeadersAnswer(answer));
  }

  async blocks(peer: string, hashes: readonly string[]): Promise<readonly Unchecked[]> {
    const answer = await this.request(
      peer,
      '/p2p/blocks',
      { hashes },
      LIMITS.blocksBytes,
      this.bodyTimeoutMs,
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

  async addresses(peer: string): Promise<string[]> {
    const answer = await this.request(peer, '/p2p/addr', undefined, LIMITS.addrBytes, this.timeoutMs);
    return typed('addr', parseAddrAnswer(answer));
  }

  private async request(
    peer: string,
    path: string,
    body: unknown,
    maxBytes: number,
    timeoutMs: number,
  ): Promise<unknown> {
    const stats = this.options.stats;
    const url = `${peer}${path}`;
    if (!/^https?:\/\//.test(url)) throw new PeerError(P2PErrorCode.BAD_MESSAGE, 'only http(s) peers');
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const self = this.options.selfUrl();
    if (self !== undefined) headers[PEER_HEADER] = self;
    stats.requestsSent++;
    stats.bytesSent += (payload === undefined ? 0 : Buffer.byteLength(payload)) + path.length + 64;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(url, {
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
      stats.bytesReceived += Buffer.byteLength(text);
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        throw new PeerError(P2PErrorCode.BAD_MESSAGE, `${path}: the answer is not JSON`);
      }
      if (!response.ok) {
        const given =
          typeof json === 'object' && json !== null && typeof (json as { error?: unknown }).error === 'string'
            ? (json as { error: string }).error.slice(0, 40)
            : undefined;
        // The peer's code is kept only when it is one of ours; another string is just a bad status.
        const code = given !== undefined && isAnyErrorCode(given) ? given : P2PErrorCode.BAD_STATUS;
        const message =
          typeof (json as { message?: unknown } | undefined)?.message === 'string'
            ? (json as { message: string }).message.slice(0, 300)
            : `status ${response.status}`;
        const unknown = given !== undefined && given !== code ? `${given}: ` : '';
        throw new PeerError(code, `${path}: ${response.status} ${unknown}${message}`);
      }
      return json;
    } catch (error) {
      stats.requestsFailed++;
      if (error instanceof PeerError) throw error;
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError' || signal.aborted) {
        throw new PeerError(P2PErrorCode.TIMEOUT, `${path}: no answer within ${timeoutMs} ms`);
      }
      throw new PeerError(P2PErrorCode.UNREACHABLE, `${path}: ${(error as Error).message}`);
    }
  }
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
