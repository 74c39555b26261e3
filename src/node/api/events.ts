import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BlockSummary, NodeEvent, PostView } from '../../core/api/schemas.ts';
import type { Chain } from '../chain/chain.ts';
import type { Mempool } from '../mempool.ts';
import type { SocialQueries } from '../social/queries.ts';
import type { ChainQueries } from '../store/queries.ts';

const HEARTBEAT_MS = 15_000;

/** The head of an event stream; HEAD /api/v1/events answers it without opening a stream. */
export const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
} as const;

/** The event stream's documentation in OpenAPI: names and payload schemas (src/core/api/schemas.ts). */
export const EVENTS_DESCRIPTION =
  'A `text/event-stream`. Events: `post` (a post entered the pending pool; payload: a PostView, ' +
  'as an item of GET /api/v1/posts), `block` (a block joined the best chain; payload: a ' +
  'BlockSummary, as an item of GET /api/v1/blocks), `reorg` (the best chain switched branches; ' +
  'payload: ReorgEvent), `evicted` (a pending post left the full pool for denser ones; payload: ' +
  'EvictedEvent `{id}`), `notification` (a confirmed post notifies a key; payload: ' +
  'NotificationEvent `{to, type, id}`). The payload schemas are in components.schemas.';

/** Why a stream was not opened. */
export type AttachRefusal = 'full' | 'address-full';

/**
 * Fans node events out to server-sent-event clients (GET /api/v1/events). Bounded: at most
 * `maxClients` streams in all and `maxPerAddress` from one address (so one client cannot take
 * every slot); a client whose socket buffer backs up is dropped rather than letting memory grow.
 */
export class EventHub {
  /** Open streams and the address each one counts against. */
  private readonly clients = new Map<FastifyReply, string>();
  private readonly perAddress = new Map<string, number>();
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId = 1;

  constructor(
    private readonly maxClients = 200,
    private readonly maxPerAddress = 4,
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes over the reply as an event stream; answers why not when a bound is reached. */
  attach(request: FastifyRequest, reply: FastifyReply): AttachRefusal | undefined {
    if (this.clients.size >= this.maxClients) return 'full';
    const address = request.ip;
    const open = this.perAddress.get(address) ?? 0;
    if (open >= this.maxPerAddress) return 'address-full';
    reply.hijack();
    // Headers set by hooks (CORS, nosniff) are on the reply, which a hijacked stream no longer writes.
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      ...STREAM_HEADERS,
    });
    reply.raw.write('retry: 3000\n\n');
    this.clients.set(reply, address);
    this.perAddress.set(address, open + 1);
    request.raw.on('close', () => this.detach(reply));
    this.heartbeat ??= setInterval(() => this.write(': heartbeat\n\n'), HEARTBEAT_MS).unref();
    return undefined;
  }

  /** Forgets a stream once, whichever of close or overflow comes first. */
  private detach(reply: FastifyReply): void {
    const address = this.clients.get(reply);
    if (address === undefined) return;
    this.clients.delete(reply);
    const open = (this.perAddress.get(address) ?? 1) - 1;
    if (open <= 0) this.perAddress.delete(address);
    else this.perAddress.set(address, open);
  }

  /** Sends one event, with its payload in the API's schema, to every open stream. */
  send(event: NodeEvent): void {
    if (this.clients.size === 0) return;
    this.write(`id: ${this.nextId++}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  }

  private write(chunk: string): void {
    for (const client of [...this.clients.keys()]) {
      if (client.raw.writableLength > 1_000_000) {
        client.raw.destroy();
        this.detach(client);
        continue;
      }
      client.raw.write(chunk);
    }
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const client of this.clients.keys()) client.raw.end();
    this.clients.clear();
    this.perAddress.clear();
  }
}

/** What the event feed listens to and reads its views from. */
export interface EventSources {
  readonly mempool: Pick<Mempool, 'onAdded' | 'onEvicted'>;
  readonly chain: Pick<Chain, 'on'>;
  readonly queries: Pick<ChainQueries, 'post' | 'blocks' | 'block'>;
  /** The social index: whom a confirmed post notifies (the `notification` event). */
  readonly social?: Pick<SocialQueries, 'notificationsOf'>;
}

/** The feed's view of a post (a PostDetail without its proof), or undefined when it is not visible. */
function postView(queries: EventSources['queries'], id: string): PostView | undefined {
  const detail = queries.post(id);
  if (detail === undefined) return undefined;
  const { proof: _proof, merkle_root: _root, ...view } = detail;
  return view;
}

/** The summary of a block as GET /api/v1/blocks lists it. */
function blockSummary(
  queries: EventSources['queries'],
  hash: string,
  height: number,
): BlockSummary | undefined {
  const listed = queries.blocks({ limit: 1, beforeHeight: height + 1 }).items[0];
  if (listed?.hash === hash) return listed;
  const detail = queries.block(hash);
  if (detail === undefined) return undefined;
  const { transactions: _posts, ids: _ids, on_best_chain: _best, ...summary } = detail;
  return summary;
}

/**
 * Publishes the node's events on the hub with the same views as the REST answers: a `post`
 * carries the PostView of the feed, a `block` the BlockSummary of /api/v1/blocks, an `evicted`
 * the id of a post the full pool let go. Views are only read when a stream is open.
 */
export function forwardNodeEvents(hub: EventHub, sources: EventSources): void {
  const { mempool, chain, queries } = sources;
  mempool.onAdded((accepted) => {
    if (hub.clientCount === 0) return;
    const view = postView(queries, accepted.id);
    if (view !== undefined) hub.send({ type: 'post', data: view });
  });
  chain.on('block', (event) => {
    if (hub.clientCount === 0) return;
    const summary = blockSummary(queries, event.hash, event.height);
    if (summary !== undefined) hub.send({ type: 'block', data: summary });
    // One event per notified key; clients keep those addressed to their own key.
    for (const id of event.postIds)
      for (const { to, type } of sources.social?.notificationsOf(id) ?? [])
        hub.send({ type: 'notification', data: { to, type, id } });
  });
  chain.on('reorg', (event) => hub.send({ type: 'reorg', data: event }));
  // One event per post: clients drop it from their feed (or mark their own post as evicted).
  mempool.onEvicted(({ ids }) => {
    for (const id of ids) hub.send({ type: 'evicted', data: { id } });
  });
}
