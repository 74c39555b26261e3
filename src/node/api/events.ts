import type { FastifyReply, FastifyRequest } from 'fastify';

/** One server-sent event. */
export interface HubEvent {
  readonly type: 'post' | 'block' | 'reorg' | 'status';
  readonly data: unknown;
}

const HEARTBEAT_MS = 15_000;

/**
 * Fans node events out to server-sent-event clients (GET /api/v1/events). Bounded: at most
 * `maxClients` streams; a client whose socket buffer backs up is dropped rather than letting
 * memory grow.
 */
export class EventHub {
  private readonly clients = new Set<FastifyReply>();
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId = 1;

  constructor(private readonly maxClients = 200) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes over the reply as an event stream; returns false when the hub is full. */
  attach(request: FastifyRequest, reply: FastifyReply): boolean {
    if (this.clients.size >= this.maxClients) return false;
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    reply.raw.write('retry: 3000\n\n');
    this.clients.add(reply);
    request.raw.on('close', () => this.clients.delete(reply));
    this.heartbeat ??= setInterval(() => this.write(': heartbeat\n\n'), HEARTBEAT_MS).unref();
    return true;
  }

  publish(event: HubEvent): void {
    if (this.clients.size === 0) return;
    this.write(`id: ${this.nextId++}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  }

  private write(chunk: string): void {
    for (const client of this.clients) {
      if (client.raw.writableLength > 1_000_000) {
        client.raw.destroy();
        this.clients.delete(client);
        continue;
      }
      client.raw.write(chunk);
    }
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const client of this.clients) client.raw.end();
    this.clients.clear();
  }
}
