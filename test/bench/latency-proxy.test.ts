import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { LatencyProxy } from '../../bench/latency-proxy.ts';

/** An echo server on loopback: what the node would be. */
async function echoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

async function dial(proxy: LatencyProxy, localAddress = '127.0.0.1'): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port: Number(new URL(proxy.url).port), localAddress });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return socket;
}

/** Collects `bytes` bytes from `socket` (rejects after 5 s or on close before). */
function read(socket: Socket, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const timer = setTimeout(() => done(new Error(`only ${total} of ${bytes} bytes within 5 s`)), 5000);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= bytes) done();
    };
    const onClose = () => done(new Error(`closed after ${total} of ${bytes} bytes`));
    function done(error?: Error) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    }
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** Round trip of `message` through the proxy, ms. */
async function roundTrip(socket: Socket, message: string): Promise<number> {
  const started = performance.now();
  const answer = read(socket, Buffer.byteLength(message));
  socket.write(message);
  assert.equal((await answer).toString(), message);
  return performance.now() - started;
}

/** Resolves true when the socket is closed or reset within `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => undefined);
  });
}

describe('LatencyProxy', () => {
  let echo: { server: Server; port: number };
  before(async () => {
    echo = await echoServer();
  });
  after(() => echo.server.close());

  it('delays each direction by the latency; a new connection first pays the TCP handshake', async () => {
    const proxy = await LatencyProxy.start({ host: '127.0.0.1', port: echo.port }, { latencyMs: 40 });
    const socket = await dial(proxy);
    try {
      const first = await roundTrip(socket, 'hello');
      // 3 × 40 ms before the first bytes reach the node, 40 ms back.
      assert.ok(first >= 158, `first round trip ${first} ms`);
      const second = await roundTrip(socket, 'again');
      assert.ok(second >= 78, `second round trip ${second} ms`);
      // 80 ms expected; loose upper bound for a loaded machine, still below the first's 160 ms floor.
      assert.ok(second < 158, `second round trip ${second} ms: the handshake is paid once`);
    } finally {
      socket.destroy();
      await proxy.stop();
    }
  });

  it('keeps the order of chunks under jitter and counts the bytes of each direction', async () => {
    const proxy = await LatencyProxy.start(
      { host: '127.0.0.1', port: echo.port },
      { latencyMs: 5, jitterMs: 30, loss: 0.2, lossDelayMs: 20 },
    );
    const socket = await dial(proxy);
    try {
      const parts = Array.from({ length: 200 }, (_, i) => `<${i}>`);
      const expected = parts.join('');
      const answer = read(socket, Buffer.byteLength(expected));
      for (const part of parts) {
        socket.write(part);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal((await answer).toString(), expected);
      assert.equal(proxy.counters.bytesToNode, Buffer.byteLength(expected));
      assert.equal(proxy.counters.bytesFromNode, Buffer.byteLength(expected));
      assert.equal(proxy.counters.connections, 1);
    } finally {
      socket.destroy();
      await proxy.stop();
    }
  });

  it('models a lost chunk as its retransmission delay, holding the chunks behind it', async () => {
    let draws = 0;
    // Loss draws: the first chunk is lost, the rest are not.
    const random = () => (draws++ === 0 ? 0 : 0.99);
    const proxy = await LatencyProxy.start(
      { host: '127.0.0.1', port: echo.port },
      { latencyMs: 10, loss: 0.5, lossDelayMs: 150, random },
    );
    const socket = await dial(proxy);
    try {
      await new Promise((resolve) => setTimeout(resolve, 40)); // the handshake is paid
      const started = performance.now();
      const answer = read(socket, 2);
      socket.write('a');
      await new Promise((resolve) => setTimeout(resolve, 5));
      socket.write('b');
      assert.equal((await answer).toString(), 'ab');
      const took = performance.now() - started;
      assert.ok(took >= 10 + 150 + 10 - 2, `lost chunk round trip ${took} ms`);
    } finally {
      socket.destroy();
      await proxy.stop();
    }
  });

  it('cuts and refuses connections from the far side of a partition, and heals', async () => {
    const proxy = await LatencyProxy.start({ host: '127.0.0.1', port: echo.port }, { latencyMs: 1 });
    const near = await dial(proxy, '127.0.1.8');
    const far = await dial(proxy, '127.0.1.9');
    const sockets = [near, far];
    try {
      await roundTrip(near, 'x');
      await roundTrip(far, 'y');
      proxy.refuse((source) => source === '127.0.1.9');
      assert.ok(await closedWithin(far, 2000), 'the open connection from the far side is cut');
      await roundTrip(near, 'the near side still talks');
      // Reset at once: the connect itself may fail, or the socket closes right after.
      const refused = await dial(proxy, '127.0.1.9').then(
        (again) => {
          sockets.push(again);
          return closedWithin(again, 2000);
        },
        () => true,
      );
      assert.ok(refused, 'a new connection from the far side is refused');
      assert.equal(proxy.counters.refused, 1);
      proxy.heal();
      const healed = await dial(proxy, '127.0.1.9');
      sockets.push(healed);
      await roundTrip(healed, 'healed');
    } finally {
      for (const socket of sockets) socket.destroy();
      await proxy.stop();
    }
  });
});
