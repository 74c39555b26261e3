import { isLowerHex } from '../../core/bytes.ts';
import { MAX_LOCATOR_HASHES } from '../chain/locator.ts';
import { normalizePeerAddress } from './address.ts';

/** Version of the peer protocol spoken here (docs/PROTOCOL.md §11). */
export const PROTOCOL_VERSION = 1;

/** Limits of the peer protocol (docs/PROTOCOL.md §11.3). */
export const LIMITS = {
  blocksPerRequest: 500,
  /** A /p2p/blocks answer stops adding blocks past this many bytes (one block always fits). */
  blocksAnswerBytes: 8 * 1024 * 1024,
  postsPerRequest: 100,
  invPosts: 1000,
  invBlocks: 64,
  addrPerAnswer: 100,
  /** Response caps, enforced while reading the stream. */
  handshakeBytes: 16 * 1024,
  headersBytes: 1024 * 1024,
  blocksBytes: 24 * 1024 * 1024,
  postsBytes: 8 * 1024 * 1024,
  addrBytes: 64 * 1024,
  smallBytes: 16 * 1024,
} as const;

/** The handshake both sides send: who they are, which network, how much work their chain has. */
export interface Hello {
  readonly protocol: number;
  readonly network: string;
  readonly genesis: string;
  /** Random per process: a node that receives its own nonce is talking to itself. */
  readonly nonce: string;
  /** The URL the sender is reachable at, if any. */
  readonly url: string | null;
  readonly height: number;
  readonly tip: string;
  /** Cumulative work of the best chain, lowercase hex. */
  readonly chainwork: string;
  readonly agent: string;
}

/** The sender's best tip, carried by announcements. */
export interface TipInfo {
  readonly hash: string;
  readonly height: number;
  readonly chainwork: string;
}

/** An announcement of new posts (ids) and blocks (hashes). */
export interface Inv {
  readonly posts: string[];
  readonly blocks: string[];
  readonly tip: TipInfo | undefined;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isHash = (value: unknown): value is string => typeof value === 'string' && isLowerHex(value, 32);
const isWork = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{1,64}$/.test(value);
const isHeight = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;

function hashList(value: unknown, max: number, name: string): Parsed<string[]> {
  if (value === undefined) return { ok: true, value: [] };
  if (!Array.isArray(value)) return { ok: false, message: `${name} must be an array` };
  if (value.length > max) return { ok: false, message: `${name} holds at most ${max} hashes` };
  if (!value.every(isHash))
    return { ok: false, message: `${name} must hold 64-character lowercase hex hashes` };
  return { ok: true, value: value as string[] };
}

export function parseTip(value: unknown): Parsed<TipInfo> {
  if (!isObject(value) || !isHash(value.hash) || !isHeight(value.height) || !isWork(value.chainwork)) {
    return { ok: false, message: 'tip must be {hash, height, chainwork}' };
  }
  return { ok: true, value: { hash: value.hash, height: value.height, chainwork: value.chainwork } };
}

export function parseHello(value: unknown): Parsed<Hello> {
  if (!isObject(value)) return { ok: false, message: 'a handshake must be a JSON object' };
  const { protocol, network, genesis, nonce, url, height, tip, chainwork, agent } = value;
  if (!isHeight(protocol)) return { ok: false, message: 'protocol must be an integer' };
  if (typeof network !== 'string' || network.length > 32) return { ok: false, message: 'bad network' };
  if (!isHash(genesis)) return { ok: false, message: 'genesis must be a block hash' };
  if (typeof nonce !== 'string' || !/^[0-9a-f]{16,64}$/.test(nonce))
    return { ok: false, message: 'bad nonce' };
  let peerUrl: string | null = null;
  if (url !== null && url !== undefined) {
    const normal = normalizePeerAddress(url);
    if (!normal.ok) return { ok: false, message: `url: ${normal.message}` };
    peerUrl = normal.url;
  }
  if (!isHeight(height) || !isHash(tip) || !isWork(chainwork)) {
    return { ok: false, message: 'height, tip and chainwork describe the best chain' };
  }
  return {
    ok: true,
    value: {
      protocol,
      network,
      genesis,
      nonce,
      url: peerUrl,
      height,
      tip,
      chainwork,
      agent: typeof agent === 'string' ? agent.slice(0, 64) : '',
    },
  };
}

export function parseInv(value: unknown): Parsed<Inv> {
  if (!isObject(value)) return { ok: false, message: 'an announcement must be a JSON object' };
  const posts = hashList(value.posts, LIMITS.invPosts, 'posts');
  if (!posts.ok) return posts;
  const blocks = hashList(value.blocks, LIMITS.invBlocks, 'blocks');
  if (!blocks.ok) return blocks;
  let tip: TipInfo | undefined;
  if (value.tip !== undefined) {
    const parsed = parseTip(value.tip);
    if (!parsed.ok) return parsed;
    tip = parsed.value;
  }
  return { ok: true, value: { posts: posts.value, blocks: blocks.value, tip } };
}

export function parseHeadersRequest(value: unknown): Parsed<{ locator: string[]; stop: string | undefined }> {
  if (!isObject(value)) return { ok: false, message: 'a headers request must be a JSON object' };
  const locator = hashList(value.locator, MAX_LOCATOR_HASHES, 'locator');
  if (!locator.ok) return locator;
  if (value.stop !== undefined && !isHash(value.stop)) return { ok: false, message: 'stop must be a hash' };
  return { ok: true, value: { locator: locator.value, stop: value.stop as string | undefined } };
}

export function parseBlocksRequest(value: unknown): Parsed<string[]> {
  if (!isObject(value)) return { ok: false, message: 'a blocks request must be a JSON object' };
  return hashList(value.hashes, LIMITS.blocksPerRequest, 'hashes');
}

/** Parses the comma-separated `ids` of GET /p2p/posts. */
export function parseIds(value: unknown): Parsed<string[]> {
  if (typeof value !== 'string') return { ok: false, message: 'ids must be comma-separated post ids' };
  return hashList(value === '' ? [] : value.split(','), LIMITS.postsPerRequest, 'ids');
}

/** The work of a hex chainwork string. */
export function workOf(hex: string): bigint {
  return BigInt(`0x${hex}`);
}
