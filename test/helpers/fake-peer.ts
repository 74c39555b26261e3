import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Block } from '#core/block.ts';
import { decodeBits } from '#core/compact.ts';
import { grindNonce } from '#core/grind.ts';
import { type BlockHeader, headerHash } from '#core/header.ts';
import { REGTEST } from '#core/params.ts';
import { meetsTarget } from '#core/pow.ts';
import { HttpTransport } from '#node/p2p/http-transport.ts';
import { identifyTranscript, NodeIdentity } from '#node/p2p/identity.ts';
import type { Hello } from '#node/p2p/messages.ts';
import { NetStats } from '#node/p2p/transport.ts';

/** What a scripted peer answers on a route: a JSON value, or raw text. */
export type FakeAnswer = unknown | { raw: string };
export type FakeRoutes = Record<string, (body: unknown) => FakeAnswer>;

export interface FakePeer {
  readonly url: string;
  readonly requests: string[];
  /** Its node key (it answers /p2p/identify with it unless a route overrides that). */
  readonly identity: NodeIdentity;
  /** The handshake this fake sends, claiming `chainwork` (hex). */
  hello(chainwork?: string): Hello;
  /** Both steps of a handshake with the node at `node` (claiming `url`, default its own); the session token. */
  connect(node: string, chainwork?: string, url?: string): Promise<string>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += chunk;
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A scripted peer (Bitcoin Core's functional-test "P2PInterface" in spirit): an HTTP server on
 * loopback that speaks the peer protocol with the answers the test gives it, valid or not.
 */
export async function startFakePeer(
  routes: FakeRoutes,
  identity = NodeIdentity.ephemeral(),
): Promise<FakePeer> {
  const requests: string[] = [];
  let url = '';
  const server: Server = createServer(async (request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push(path);
    const body = await readBody(request);
    if (path === '/p2p/identify' && routes[path] === undefined) {
      const challenge = new URL(request.url ?? '/', 'http://x').searchParams.get('challenge') ?? '';
      const signature = identity.sign(identifyTranscript('regtest', challenge, url));
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ key: identity.publicKey, signature }));
      return;
    }
    const handler = routes[path];
    if (handler === undefined) {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":"NOT_FOUND","message":"no"}');
      return;
    }
    const answer = handler(body);
    const text =
      typeof answer === 'object' && answer !== null && 'raw' in answer
        ? (answer as { raw: string }).raw
        : JSON.stringify(answer);
    response.writeHead(200, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const nonce = randomBytes(16).toString('hex');
  const hello = (chainwork = '2'): Hello => ({
    protocol: 2,
    network: 'regtest',
    genesis: REGTEST.genesisHash,
    nonce,
    url,
    height: 0,
    tip: REGTEST.genesisHash,
    chainwork,
    agent: 'scripted-peer',
    key: identity.publicKey,
  });
  const transport = new HttpTransport({
    identity,
    sessionFor: () => undefined,
    allowPrivate: true,
    stats: new NetStats(),
  });
  return {
    url,
    requests,
    identity,
    hello,
    connect: async (node, chainwork, claimed = url) =>
      (await transport.handshake(node, { ...hello(chainwork), url: claimed })).session,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Finds a nonce that meets the header's target (or, with `failPow`, one that does not). */
export function solve(header: BlockHeader, failPow = false): BlockHeader & { hash: string } {
  const target = decodeBits(header.bits)!;
  if (failPow) {
    for (let nonce = 0; ; nonce++) {
      const candidate = { ...header, nonce };
      const hash = headerHash(candidate);
      if (!meetsTarget(hash, target)) return { ...candidate, hash };
    }
  }
  const solved = grindNonce(header, target);
  if (!solved.found) throw new Error('no nonce meets the target');
  return { ...header, nonce: solved.nonce, hash: solved.hash };
}

/** A block on the regtest genesis with these posts and merkle root, mined (or failing PoW). */
export function blockOnGenesis(
  posts: Block['transactions'],
  merkleRoot: string,
  options: { failPow?: boolean; timestamp?: number; previous?: string; index?: number } = {},
): Block {
  const header = solve(
    {
      version: 1,
      index: options.index ?? 1,
      previous_hash: options.previous ?? REGTEST.genesisHash,
      merkle_root: merkleRoot,
      timestamp: options.timestamp ?? REGTEST.genesis.timestamp + 60,
      bits: REGTEST.powLimitBits,
      nonce: 0,
    },
    options.failPow,
  );
  return { ...header, transactions: posts };
}
