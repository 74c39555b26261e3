import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/**
 * Sends a streamed JSON answer. Streams bypass fastify's serialiser, so the route's response
 * schema documents it only; the stream's items are the schema's (see the callers).
 */
export function sendJsonStream(reply: FastifyReply, stream: Readable) {
  return reply.type('application/json; charset=utf-8').send(stream);
}

/**
 * A JSON document streamed in pieces: `prefix`, then the items of `pages` joined by commas,
 * then `suffix`; `pushPage` writes one page (`first` says whether an item came before it).
 */
function pagedStream<T>(
  prefix: string,
  pages: () => Generator<T[]>,
  suffix: string,
  pushPage: (stream: Readable, page: T[], first: boolean) => void,
): Readable {
  const iterator = pages();
  let first = true;
  let started = false;
  let done = false;
  return new Readable({
    read() {
      if (!started) {
        started = true;
        this.push(prefix);
        return;
      }
      if (done) return;
      const next = iterator.next();
      if (next.done) {
        done = true;
        this.push(suffix);
        this.push(null);
        return;
      }
      pushPage(this, next.value, first);
      if (next.value.length > 0) first = false;
    },
  });
}

/**
 * A JSON array of values streamed a page at a time (one string per page). Lets GET /chain and
 * /pending_tx serve a long list without one giant string in memory.
 */
export function jsonArrayStream(prefix: string, pages: () => Generator<unknown[]>, suffix: string): Readable {
  return pagedStream(prefix, pages, suffix, (stream, page, first) => {
    let chunk = '';
    page.forEach((item, i) => {
      chunk += (first && i === 0 ? '' : ',') + JSON.stringify(item);
    });
    stream.push(chunk);
  });
}

const COMMA = Buffer.from(',');

/** The same for items already serialised as UTF-8 (the /chain cache's blocks). */
export function jsonBytesArrayStream(
  prefix: string,
  pages: () => Generator<Buffer[]>,
  suffix: string,
): Readable {
  return pagedStream(prefix, pages, suffix, (stream, page, first) => {
    // One push per item: cached bytes are handed on, never copied into one big string.
    page.forEach((item, i) => {
      if (!(first && i === 0)) stream.push(COMMA);
      stream.push(item);
    });
  });
}
