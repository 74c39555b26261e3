/**
 * A user-space link emulator (netem is not available here): a TCP proxy in front of one node.
 * The node's public URL is the proxy's address, so every peer request to it pays the link.
 *
 * - Latency: each chunk is delivered `latencyMs` (+ uniform jitter in [0, jitterMs]) after it
 *   arrived, in each direction, in order: a per-direction queue of due times that never decrease.
 *   A new connection first pays the TCP handshake: its first client bytes arrive no earlier than
 *   3 × latency after the connect (SYN, SYN-ACK, then the data).
 * - Loss: TCP never loses bytes, so a lost segment is modelled as its retransmission delay
 *   (`lossDelayMs`, 200 ms ≈ a minimum RTO) added to a chunk with probability `loss`; the chunks
 *   behind it wait too (head-of-line blocking).
 * - Counters: bytes from clients to the node (what the node receives on its peer port) and from
 *   the node to clients (what it sends).
 * - Partition: `refuse(ip => boolean)` cuts the open connections from matching source addresses
 *   and refuses new ones until `heal()`. Nodes are told apart by source address: each node
 *   dials from its own loopback address (`--outbound-address 127.0.1.N`).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface LinkOptions {
  /** One-way delay, ms. */
  readonly latencyMs: number;
  /** Extra uniform random delay in [0, jitterMs] per chunk, ms (order is kept). */
  readonly jitterMs?: number;
  /** Probability that a chunk is "lost" and arrives `lossDelayMs` later (0..1). */
  readonly loss?: number;
  /** The retransmission delay of a lost chunk, ms (default 200). */
  readonly lossDelayMs?: number;
  /** Random source in [0, 1) (tests pass a fixed one). */
  readonly random?: () => number;
}

export interface ProxyCounters {
  /** Bytes clients sent through to the node (the node received). */
  bytesToNode: number;
  /** Bytes the node sent back to clients. */
  bytesFromNode: number;
  connections: number;
  refused: number;
}

/** One direction of a link: chunks written in order, each delivered at its due time. */
class DelayedPipe {
  private readonly queue: { due: number; chunk: Buffer }[] = [];
  private lastDue = 0;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly to: Socket,
    private readonly link: Required<LinkOptions>,
    /** Earliest delivery of anything (the TCP handshake of a new connection). */
    private notBefore: number,
    private readonly onDeliver: (bytes: number) => void,
  ) {}

  push(chunk: Buffer): void {
    const { latencyMs, jitterMs, loss, lossDelayMs, random } = this.link;
    let due = performance.now() + latencyMs + (jitterMs > 0 ? random() * jitterMs : 0);
    if (loss > 0 && random() < loss) due += lossDelayMs;
    due = Math.max(due, this.lastDue, this.notBefore);
    this.lastDue = due;
    this.queue.push({ due, chunk });
    this.schedule();
  }

  /** The far side closed: end ours once everything queued is delivered. */
  end(): void {
    this.ended = true;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const head = this.queue[0];
    if (head === undefined) {
      if (this.ended && !this.to.destroyed) this.to.end();
      return;
    }
    this.timer = setTimeout(() => this.flush(), Math.max(0, head.due - performance.now()));
  }

  private flush(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.due <= now + 0.5) {
      const { chunk } = this.queue.shift()!;
      if (this.to.destroyed) continue;
      this.to.write(chunk);
      this.onDeliver(chunk.length);
    }
    this.notBefore = 0;
    this.schedule();
  }
}

/** A delaying TCP proxy from `listen` (127.0.0.1, a free port) to the node at `target`. */
export class LatencyProxy {
  readonly counters: ProxyCounters = { bytesToNode: 0, bytesFromNode: 0, connections: 0, refused: 0 };
  private readonly link: Required<LinkOptions>;
  private readonly server: Server;
  private readonly open = new Set<{ client: Socket; upstream: Socket; source: string }>();
  private refuseFrom: ((source: string) => boolean) | undefined;
  private port = 0;

  private constructor(
    private target: { host: string; port: number } | undefined,
    link: LinkOptions,
  ) {
    this.link = {
      latencyMs: link.latencyMs,
      jitterMs: link.jitterMs ?? 0,
      loss: link.loss ?? 0,
      lossDelayMs: link.lossDelayMs ?? 200,
      random: link.random ?? Math.random,
    };
    this.server = createServer({ noDelay: true }, (client) => this.accept(client));
  }

  /**
   * Listens on `host` at a free port. The target may come later (`setTarget`): a node is told
   * its proxy's URL before it listens; connections before then are reset.
   */
  static async start(
    target: { host: string; port: number } | undefined,
    link: LinkOptions,
    host = '127.0.0.1',
  ): Promise<LatencyProxy> {
    const proxy = new LatencyProxy(target, link);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, host, () => resolve());
    });
    const address = proxy.server.address();
    proxy.port = typeof address === 'object' && address !== null ? address.port : 0;
    return proxy;
  }

  /** The URL peers use for the node behind this proxy. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setTarget(target: { host: string; port: number }): void {
    this.target = target;
  }

  /** Cuts open connections from matching source addresses and refuses new ones. */
  refuse(from: (source: string) => boolean): void {
    this.refuseFrom = from;
    for (const link of this.open) {
      if (from(link.source)) {
        link.client.destroy();
        link.upstream.destroy();
      }
    }
  }

  heal(): void {
    this.refuseFrom = undefined;
  }

  async stop(): Promise<void> {
    for (const { client, upstream } of this.open) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const source = normalIp(client.remoteAddress ?? '');
    if (this.target === undefined || this.refuseFrom?.(source)) {
      this.counters.refused++;
      client.resetAndDestroy();
      return;
    }
    this.counters.connections++;
    const connectedAt = performance.now();
    const upstream = createConnection({ ...this.target, noDelay: true });
    const entry = { client, upstream, source };
    this.open.add(entry);
    const handshake = connectedAt + 3 * this.link.latencyMs;
    const toNode = new DelayedPipe(upstream, this.link, handshake, (n) => {
      this.counters.bytesToNode += n;
    });
    const toClient = new DelayedPipe(client, this.link, 0, (n) => {
      this.counters.bytesFromNode += n;
    });
    client.on('data', (chunk: Buffer) => toNode.push(chunk));
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk));
    client.on('end', () => toNode.end());
    // The node closed: what it sent is still on the wire; deliver it, then close the client.
    upstream.on('close', () => {
      toNode.stop();
      toClient.end();
    });
    client.on('close', () => {
      toNode.stop();
      toClient.stop();
      upstream.destroy();
      this.open.delete(entry);
    });
    // 'close' follows every 'error'; the listeners keep an error from being thrown.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  }
}

/** `::ffff:127.0.1.5` → `127.0.1.5`. */
function normalIp(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
