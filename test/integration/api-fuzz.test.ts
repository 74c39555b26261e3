import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { describeRequest, type FuzzRequest, fuzzRequest, Rng } from '../helpers/fuzz.ts';
import { call, pendingContents, post, postAndMine, status } from '../helpers/network.ts';
import { type NodeProcess, startNodeProcess } from '../helpers/process.ts';

/** The node's body limit (src/node/api/server.ts BODY_LIMIT). */
const BODY_CAP = 256 * 1024;
/** Fixed by default so a failure replays; FUZZ_SEED=n explores other runs. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);
/** Moderate: the point is hostile input, not load (rate limits may answer 429, which is fine). */
const CONCURRENCY = 4;

interface Snapshot {
  height: number;
  tip: string;
  pending: string[];
  peers: number;
}

async function snapshot(url: string): Promise<Snapshot> {
  const s = await status(url);
  // The tutorial's /chain lists the peers: a contract that stays, unlike /p2p/status's shape.
  const chain = (await call(`${url}/chain`)).body as { peers: unknown[] };
  assert.ok(Array.isArray(chain.peers), 'GET /chain lists the peers');
  return {
    height: s.height,
    tip: s.tip,
    pending: (await pendingContents(url)).sort(),
    peers: chain.peers.length,
  };
}

/** What is wrong with one answer, or undefined when it is acceptable. */
function judge(request: FuzzRequest, answer: Response, text: string): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}: ${text.slice(0, 200)}`;
  if (answer.status < 400 || request.method === 'HEAD') return undefined;
  const type = answer.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json'))
    return `answered ${answer.status} as "${type}": ${text.slice(0, 200)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `answered ${answer.status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  const { error, message } = (parsed ?? {}) as { error?: unknown; message?: unknown };
  if (typeof error !== 'string' || typeof message !== 'string') {
    return `answered ${answer.status} without {error, message}: ${text.slice(0, 200)}`;
  }
  return undefined;
}

/** The status line a raw, malformed HTTP message gets (or "closed" when the node hangs up). */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = () => {
      socket.destroy();
      resolve(received.split('\r\n')[0] || 'closed');
    };
    socket.setTimeout(5000, done);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes, 'latin1');
  });
}

/**
 * A seeded, bounded fuzz of the whole HTTP API against a real node process: random methods on
 * the real routes, malformed and hostile bodies, wrong content types, odd queries and headers.
 * No answer is a 5xx, every refusal is a JSON `{error, message}`, the node stays up and its state
 * (tip, pending posts, peers) is what it was: no fuzz request can succeed by construction.
 */
describe('API fuzz (seeded)', () => {
  let node: NodeProcess;
  before(async () => {
    node = await startNodeProcess();
    // Some state to keep: a confirmed post and a pending one.
    await postAndMine(node.url, 'fuzz: confirmed before');
    await post(node.url, 'tester', 'fuzz: pending before');
  });
  after(async () => {
    await node?.stop();
    if (node) rmSync(node.dataDir, { recursive: true, force: true });
  });

  it(`${REQUESTS} hostile requests (seed ${SEED}): no 5xx, JSON refusals, state unchanged`, {
    timeout: 120_000,
  }, async () => {
    const before = await snapshot(node.url);
    const rng = new Rng(SEED);
    const requests = Array.from({ length: REQUESTS }, () => fuzzRequest(rng));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const slowest: [number, string][] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const index = next++;
        const request = requests[index]!;
        if (process.env.FUZZ_TRACE === 'all') console.log(index, describeRequest(request).slice(0, 200));
        const sent = Date.now();
        const send = () =>
          fetch(`${node.url}${request.path}`, {
            method: request.method,
            headers: request.headers,
            body: request.body,
            signal: AbortSignal.timeout(15_000),
          });
        let answer: Response;
        try {
          // One retry on a connection error: a request written on a pooled keep-alive connection
          // the node just closed (after refusing a previous request's unread body) fails in the
          // client before the node sees it. The retry goes out on a new connection.
          answer = await send().catch(() => send());
        } catch (error) {
          // A body over the node's 256 KB cap may be refused before it is read: the node answers
          // and closes while the client is still sending, and the client may then see the reset
          // instead of the answer (Node has no lingering close). A hang-up is a refusal too; any
          // other request must be answered.
          const oversized = typeof request.body === 'string' && Buffer.byteLength(request.body) > BODY_CAP;
          if (!oversized)
            failures.push(`no answer (${(error as Error).message})\n    for ${describeRequest(request)}`);
          continue;
        }
        const text = await answer.text();
        slowest.push([Date.now() - sent, describeRequest(request).slice(0, 140)]);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const wrong = judge(request, answer, text);
        if (wrong !== undefined) failures.push(`${wrong}\n    for ${describeRequest(request)}`);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const spread = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`);
    slowest.sort(([a], [b]) => b - a);
    if (process.env.FUZZ_TRACE)
      for (const [ms, what] of slowest.slice(0, 15)) console.log(`${ms} ms: ${what}`);
    console.log(`fuzz: ${REQUESTS} requests in ${Date.now() - started} ms; statuses ${spread.join(' ')}`);

    assert.deepEqual(
      failures.slice(0, 20),
      [],
      `${failures.length} bad answers with seed ${SEED} (first 20 shown)`,
    );
    assert.equal(node.child.exitCode, null, 'the node is still running');
    assert.deepEqual(await snapshot(node.url), before, 'the node state is unchanged');
  });

  it('malformed HTTP messages get a 4xx or a hang-up, never a 5xx', { timeout: 60_000 }, async () => {
    const port = Number(new URL(node.url).port);
    const messages = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`,
      'POST /new_transaction HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n{}',
      'POST /new_transaction HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
      'POST /new_transaction HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'POST /new_transaction HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'GET /chain HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      'GET /chain\x00 HTTP/1.1\r\nHost: x\r\n\r\n',
    ];
    for (const message of messages) {
      const line = await rawExchange(port, message);
      const code = /^HTTP\/1\.[01] (\d{3})/.exec(line)?.[1];
      assert.ok(
        line === 'closed' || (code !== undefined && Number(code) < 500),
        `${JSON.stringify(message.slice(0, 60))} got ${line}`,
      );
    }
    assert.equal((await call(`${node.url}/api/v1/status`)).status, 200, 'the node still answers');
  });

  it('the event stream refuses odd requests without a 5xx', { timeout: 60_000 }, async () => {
    // GET only: HEAD on the stream is issue 9 item 10 (never answered), tested where it is fixed.
    for (const query of ['', '?since=-1', '?x=%00', `?q=${'a'.repeat(5000)}`]) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 5000);
      try {
        const answer = await fetch(`${node.url}/api/v1/events${query}`, {
          headers: { accept: 'text/event-stream', 'last-event-id': 'zz' },
          signal: controller.signal,
        });
        assert.ok(answer.status < 500, `events${query} answered ${answer.status}`);
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
    }
    assert.equal((await call(`${node.url}/api/v1/status`)).status, 200);
  });
});
