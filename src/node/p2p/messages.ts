import { isLowerHex } from '../../core/bytes.ts';
import { normalizePeerAddress } from './address.ts';
import { isHex32 } from './identity.ts';
import { MAX_HEADERS_PER_ANSWER, MAX_LOCATOR_HASHES } from './locator.ts';

/**
 * Version of the peer protocol spoken here (docs/PROTOCOL.md §11): 2 added node keys and sessions,
 * 3 compact relay and pending sync (§11.8; found by trying: an older peer answers 404).
 */
export const PROTOCOL_VERSION = 3;

/** Limits of the peer protocol (docs/PROTOCOL.md §11.3). */
export const LIMITS = {
  blocksPerRequest: 500,
  /** A /p2p/blocks answer stops adding blocks past this many bytes (one block always fits). */
  blocksAnswerBytes: 8 * 1024 * 1024,
  postsPerRequest: 100,
  invPosts: 1000,
  invBlocks: 64,
  addrPerAnswer: 100,
  /** Pending post ids per /p2p/pending page, and pages read per mempool sync. */
  pendingPerPage: 1000,
  pendingPages: 100,
  /** Response caps, enforced while reading the stream. */
  handshakeBytes: 16 * 1024,
  headersBytes: 1024 * 1024,
  blocksBytes: 24 * 1024 * 1024,
  postsBytes: 8 * 1024 * 1024,
  addrBytes: 64 * 1024,
  smallBytes: 16 * 1024,
  /** A compact block: a header and ≤ maxBlockPosts short ids of 19 bytes each in JSON. */
  compactBytes: 256 * 1024,
  /** The posts of one block (≤ 4,000,000 bytes of posts in canonical form, framing aside). */
  blockPostsBytes: 8 * 1024 * 1024,
  pendingBytes: 96 * 1024,
} as const;

/** Hex characters of a short id: the first 8 bytes of a post id (docs/PROTOCOL.md §11.8). */
export const SHORT_ID_CHARS = 16;

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
  /** The sender's node key (Ed25519 public key, hex); proven by a signature, never trusted alone. */
  readonly key: string;
}

/** Step 1 of a handshake, initiator → responder: its hello and a fresh nonce to sign. */
export interface HandshakeRequest extends Hello {
  readonly challenge: string;
}

/** The responder's answer: its hello, its own nonce, its signature and a session token. */
export interface HandshakeAnswer extends Hello {
  readonly challenge: string;
  readonly signature: string;
  readonly session: string;
}

/** The responder's proof that its key answers at the URL the checker dialed. */
export interface IdentifyAnswer {
  readonly key: string;
  readonly signature: string;
}

const isSignature = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{128}$/.test(value);

/** Parses step 1 of a handshake. */
export function parseHandshakeRequest(value: unknown): Parsed<HandshakeRequest> {
  const hello = parseHello(value);
  if (!hello.ok) return hello;
  const challenge = (value as { challenge?: unknown }).challenge;
  if (!isHex32(challenge)) return { ok: false, message: 'challenge must be 32 bytes of lowercase hex' };
  return { ok: true, value: { ...hello.value, challenge } };
}

/** Parses the responder's answer to step 1. */
export function parseHandshakeAnswer(value: unknown): Parsed<HandshakeAnswer> {
  const hello = parseHello(value);
  if (!hello.ok) return hello;
  const { challenge, signature, session } = value as Record<string, unknown>;
  if (!isHex32(challenge) || !isSignature(signature) || !isHex32(session)) {
    return { ok: false, message: 'a handshake answer carries challenge, signature and session' };
  }
  return { ok: true, value: { ...hello.value, challenge, signature, session } };
}

/** Parses step 2, initiator → responder: `{signature}` over the responder's nonce. */
export function parseConfirm(value: unknown): Parsed<{ signature: string }> {
  const signature = isObject(value) ? value.signature : undefined;
  if (!isSignature(signature)) return { ok: false, message: 'signature must be 64 bytes of lowercase hex' };
  return { ok: true, value: { signature } };
}

/** Parses the answer of GET /p2p/identify. */
export function parseIdentifyAnswer(value: unknown): Parsed<IdentifyAnswer> {
  if (!isObject(value) || !isHex32(value.key) || !isSignature(value.signature)) {
    return { ok: false, message: 'expected {key, signature}' };
  }
  return { ok: true, value: { key: value.key, signature: value.signature } };
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

/** What a parser returns: the typed value, or why the input is not a message of its kind. Parsers never throw. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * A header, block or post inside a peer's answer, still hostile. The answer parsers below
 * check the envelope and its bounds; the consensus form of each item is core's to check
 * (parseHeader, the chain's checkBlock, the mempool's submit), with core's error codes, which
 * decide how the sender is scored.
 */
export type Unchecked = unknown;

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
  const { protocol, network, genesis, nonce, url, height, tip, chainwork, agent, key } = value;
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
  if (!isHex32(key)) return { ok: false, message: 'key must be the node key, 32 bytes of lowercase hex' };
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
      key,
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

function listIn(value: unknown, key: string, max: number, expected: string): Parsed<readonly Unchecked[]> {
  const list = isObject(value) ? value[key] : undefined;
  if (!Array.isArray(list) || list.length > max) return { ok: false, message: expected };
  return { ok: true, value: list };
}

/** The answer to POST /p2p/headers: `{headers: [≤ 2000 headers]}`. */
export function parseHeadersAnswer(value: unknown): Parsed<readonly Unchecked[]> {
  return listIn(value, 'headers', MAX_HEADERS_PER_ANSWER, 'expected {headers: [≤ 2000 headers]}');
}

/** The answer to POST /p2p/blocks for `asked` hashes: `{blocks: [≤ asked blocks]}`. */
export function parseBlocksAnswer(value: unknown, asked: number): Parsed<readonly Unchecked[]> {
  return listIn(value, 'blocks', asked, 'expected {blocks: [...]} of the hashes asked');
}

/** The answer to GET /p2p/posts for `asked` ids: `{posts: [≤ asked posts]}`. */
export function parsePostsAnswer(value: unknown, asked: number): Parsed<readonly Unchecked[]> {
  return listIn(value, 'posts', asked, 'expected {posts: [...]} of the ids asked');
}

/**
 * The answer to GET /p2p/addr: `{peers: [≤ 100 addresses]}`, as normalised URLs. Addresses
 * that are not peer URLs are dropped, not held against the sender (it may know other schemes).
 */
export function parseAddrAnswer(value: unknown): Parsed<string[]> {
  const list = listIn(value, 'peers', LIMITS.addrPerAnswer, 'expected {peers: [≤ 100 URLs]}');
  if (!list.ok) return list;
  const urls: string[] = [];
  for (const item of list.value) {
    const address = normalizePeerAddress(item);
    if (address.ok) urls.push(address.url);
  }
  return { ok: true, value: urls };
}

/**
 * A block as compact relay sends it (docs/PROTOCOL.md §11.8): the header fields with the hash,
 * still unchecked (core's checkBlockHeader reads them), and the short ids of its posts in block
 * order.
 */
export interface CompactBlock {
  readonly header: Unchecked;
  readonly ids: readonly string[];
}

/** One page of a peer's pending post ids; `next` continues it, null at the end. */
export interface PendingPage {
  readonly ids: readonly string[];
  readonly next: number | null;
}

const SHORT_ID = new RegExp(`^[0-9a-f]{${SHORT_ID_CHARS}}$`);
const isCursor = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * The answer to GET /p2p/compact: `{header, ids}` with at most `maxPosts` short ids (the
 * network's posts per block). The header must name the hash asked; its form is core's to check.
 */
export function parseCompactAnswer(value: unknown, hash: string, maxPosts: number): Parsed<CompactBlock> {
  if (isObject(value) && isObject(value.header) && value.header.hash !== hash)
    return { ok: false, message: 'the compact header is not of the block asked' };
  return parseCompactPush(value, maxPosts);
}

/**
 * POST /p2p/cmpctblock (high-bandwidth relay, §11.8): `{header, ids}` pushed unasked; the
 * header must name a block hash (its form and proof of work are core's to check).
 */
export function parseCompactPush(value: unknown, maxPosts: number): Parsed<CompactBlock> {
  if (!isObject(value) || !isObject(value.header) || !Array.isArray(value.ids)) {
    return { ok: false, message: 'expected {header, ids}' };
  }
  if (!isHash(value.header.hash)) return { ok: false, message: 'header.hash must be a block hash' };
  if (value.ids.length > maxPosts) return { ok: false, message: `ids holds at most ${maxPosts} short ids` };
  for (const id of value.ids) {
    if (typeof id !== 'string' || !SHORT_ID.test(id)) {
      return { ok: false, message: `ids must hold ${SHORT_ID_CHARS}-character lowercase hex short ids` };
    }
  }
  return { ok: true, value: { header: value.header, ids: value.ids as string[] } };
}

/**
 * POST /p2p/blocktxn: `{hash, indexes}`, at most `maxPosts` positions, strictly ascending (so
 * each is asked once and the list is bounded by the block's post count).
 */
export function parseBlockPostsRequest(
  value: unknown,
  maxPosts: number,
): Parsed<{ hash: string; indexes: number[] }> {
  if (!isObject(value) || !isHash(value.hash) || !Array.isArray(value.indexes)) {
    return { ok: false, message: 'expected {hash, indexes: [positions]}' };
  }
  const indexes = value.indexes;
  if (indexes.length === 0 || indexes.length > maxPosts) {
    return { ok: false, message: `indexes holds 1 to ${maxPosts} positions` };
  }
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i];
    if (!isCursor(index) || index >= maxPosts || (i > 0 && index <= (indexes[i - 1] as number))) {
      return { ok: false, message: 'indexes must be ascending positions within a block' };
    }
  }
  return { ok: true, value: { hash: value.hash, indexes: indexes as number[] } };
}

/** The answer to POST /p2p/blocktxn for `asked` positions: `{posts: [≤ asked posts]}`. */
export function parseBlockPostsAnswer(value: unknown, asked: number): Parsed<readonly Unchecked[]> {
  return listIn(value, 'posts', asked, 'expected {posts: [...]} of the positions asked');
}

/** The `after` cursor of GET /p2p/pending (absent: from the start). */
export function parsePendingCursor(value: unknown): Parsed<number> {
  if (value === undefined || value === '') return { ok: true, value: 0 };
  const cursor = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!isCursor(cursor)) return { ok: false, message: 'after must be a cursor from a previous page' };
  return { ok: true, value: cursor };
}

/** The answer to GET /p2p/pending: `{ids: [≤ 1000 post ids], next: cursor | null}`. */
export function parsePendingAnswer(value: unknown): Parsed<PendingPage> {
  if (!isObject(value)) return { ok: false, message: 'expected {ids, next}' };
  const ids = hashList(value.ids, LIMITS.pendingPerPage, 'ids');
  if (!ids.ok) return ids;
  const next = value.next;
  if (next !== null && !isCursor(next)) return { ok: false, message: 'next must be a cursor or null' };
  return { ok: true, value: { ids: ids.value, next } };
}

/** The hash a block in an answer claims, to match it against the hashes asked. */
export function claimedHash(block: Unchecked): string | undefined {
  const hash = isObject(block) ? block.hash : undefined;
  return typeof hash === 'string' ? hash : undefined;
}

/** The work of a hex chainwork string. */
export function workOf(hex: string): bigint {
  return BigInt(`0x${hex}`);
}
