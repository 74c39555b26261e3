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
 * then `suffix`. Lets GET /chain serve a long chain without one giant string in memory.
 */
export function jsonArrayStream(prefix: string, pages: () => Generator<unknown[]>, suffix: string): Readable {
  let first = true;
  const iterator = pages();
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
      let chunk = '';
      for (const item of next.value) {
        chunk += (first ? '' : ',') + JSON.stringify(item);
        first = false;
      }
      this.push(chunk);
    },
  });
}

const COMMA = Buffer.from(',');

/**
 * Like {@link jsonArrayStream}, for items already serialised as UTF-8 (the /chain cache's
 * blocks): `prefix`, the items of `pages` joined by commas, `suffix`.
 */
export function jsonBytesArrayStream(
  prefix: string,
  pages: () => Generator<Buffer[]>,
  suffix: string,
): Readable {
  let first = true;
  const iterator = pages();
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
      // One push per item: cached bytes are handed on, never copied into one big string.
      for (const item of next.value) {
        if (!first) this.push(COMMA);
        this.push(item);
        first = false;
      }
    },
  });
}
