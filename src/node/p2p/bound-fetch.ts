import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';

/** The subset of fetch that HttpTransport calls. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Statuses whose Response must not have a body (the Response constructor refuses one). */
const NULL_BODY = new Set([204, 205, 304]);

/**
 * A fetch whose connections leave from `localAddress` (`--outbound-address`): Node's global
 * fetch cannot bind its source address without the undici package, node:http can (the agent's
 * `localAddress`). Keep-alive like fetch, never follows redirects (the transport refuses 3xx),
 * honours `init.signal`, and answers a standard Response so the transport reads it as before.
 * Used by link emulators (bench/latency-proxy.ts) that tell nodes apart by source IP, and by
 * operators of multi-homed hosts.
 */
export function boundFetch(localAddress: string): FetchLike {
  if (isIP(localAddress) === 0) throw new Error(`outbound address ${localAddress}: not an IP address`);
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, localAddress }),
    'https:': new HttpsAgent({ keepAlive: true, localAddress }),
  };
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const headers = new Headers(init.headers);
      const req = send(target, {
        method: init.method ?? 'GET',
        agent: secure ? agents['https:'] : agents['http:'],
        headers: Object.fromEntries(headers.entries()),
        ...(init.signal ? { signal: init.signal } : {}),
      });
      req.once('error', reject);
      req.once('response', (res) => {
        try {
          resolve(toResponse(res));
        } catch (error) {
          // A status the Response type cannot hold (1xx, ≥ 600): a failed request.
          res.destroy();
          reject(error);
        }
      });
      req.end(typeof init.body === 'string' ? init.body : undefined);
    });
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 599) throw new Error(`status ${status}`);
  if (NULL_BODY.has(status)) {
    res.resume();
    return new Response(null, { status, headers });
  }
  return new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, headers });
}
