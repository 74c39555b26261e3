import { fromHex, isLowerHex, toHex } from './bytes.ts';
import { compress, readBlockWords, SHA256_IV, sha256Short, writeDigest } from './sha256-fixed.ts';

/**
 * The block header and its fixed 92-byte encoding (docs/PROTOCOL.md §4.2). All integers big-endian.
 *
 *   offset size field
 *        0    4 version        uint32
 *        4    4 index          uint32 (height)
 *        8   32 previous_hash  bytes
 *       40   32 merkle_root    bytes
 *       72    8 timestamp      uint64, seconds since 1970
 *       80    4 bits           uint32, compact target
 *       84    8 nonce          uint64 (≤ 2^53 − 1 so JSON carries it exactly)
 *
 * SHA-256 pads 92 bytes to two 64-byte blocks. The first block (bytes 0–63) holds only fields a
 * miner keeps fixed, so its compression (the midstate) is computed once; timestamp and nonce
 * live in the second block, and each attempt costs one compression.
 */
export interface BlockHeader {
  version: number;
  index: number;
  previous_hash: string;
  merkle_root: string;
  timestamp: number;
  bits: number;
  nonce: number;
}

export const HEADER_SIZE = 92;
export const MAX_UINT32 = 0xffffffff;

function writeUint64(view: DataView, offset: number, value: number): void {
  view.setUint32(offset, Math.floor(value / 2 ** 32));
  view.setUint32(offset + 4, value >>> 0);
}

function readUint64(view: DataView, offset: number): number {
  return view.getUint32(offset) * 2 ** 32 + view.getUint32(offset + 4);
}

/** Checks the ranges the encoding needs; returns the name of the first bad field, if any. */
export function headerFieldError(header: BlockHeader): string | undefined {
  const u32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= MAX_UINT32;
  const u53 = (v: number) => Number.isSafeInteger(v) && v >= 0;
  if (!u32(header.version)) return 'version';
  if (!u32(header.index)) return 'index';
  if (!isLowerHex(header.previous_hash, 32)) return 'previous_hash';
  if (!isLowerHex(header.merkle_root, 32)) return 'merkle_root';
  if (!u53(header.timestamp)) return 'timestamp';
  if (!u32(header.bits)) return 'bits';
  if (!u53(header.nonce)) return 'nonce';
  return undefined;
}

/** The 92-byte encoding of a header whose fields are in range (see {@link headerFieldError}). */
export function encodeHeader(header: BlockHeader): Uint8Array {
  const bytes = new Uint8Array(HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, header.version);
  view.setUint32(4, header.index);
  bytes.set(fromHex(header.previous_hash), 8);
  bytes.set(fromHex(header.merkle_root), 40);
  writeUint64(view, 72, header.timestamp);
  view.setUint32(80, header.bits);
  writeUint64(view, 84, header.nonce);
  return bytes;
}

/** Decodes 92 bytes into a header (the inverse of {@link encodeHeader}). */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.length !== HEADER_SIZE)
    throw new RangeError(`a header is ${HEADER_SIZE} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    version: view.getUint32(0),
    index: view.getUint32(4),
    previous_hash: toHex(bytes.subarray(8, 40)),
    merkle_root: toHex(bytes.subarray(40, 72)),
    timestamp: readUint64(view, 72),
    bits: view.getUint32(80),
    nonce: readUint64(view, 84),
  };
}

/** The block hash: lowercase hex SHA-256 of the header encoding (§4.2). */
export function headerHash(header: BlockHeader): string {
  const digest = new Uint8Array(32);
  sha256Short(encodeHeader(header), digest);
  return toHex(digest);
}

/**
 * Incremental hashing of one header for mining: the midstate of the first 64 bytes is computed
 * once, then {@link HeaderHasher.hashWith} costs one SHA-256 compression per nonce.
 */
export class HeaderHasher {
  private readonly midstate = new Uint32Array(8);
  private readonly tail = new Uint32Array(16);
  private readonly state = new Uint32Array(8);

  constructor(header: BlockHeader) {
    const padded = new Uint8Array(128);
    padded.set(encodeHeader(header));
    padded[HEADER_SIZE] = 0x80;
    const bitLength = HEADER_SIZE * 8;
    padded[126] = bitLength >>> 8;
    padded[127] = bitLength & 0xff;
    this.midstate.set(SHA256_IV);
    const first = new Uint32Array(16);
    readBlockWords(padded, 0, first);
    compress(this.midstate, first);
    readBlockWords(padded, 64, this.tail);
  }

  /** Sets the timestamp (bytes 72–79, words 2–3 of the second block). */
  setTimestamp(timestamp: number): void {
    this.tail[2] = Math.floor(timestamp / 2 ** 32);
    this.tail[3] = timestamp >>> 0;
  }

  /** Hashes the header with `nonce` (bytes 84–91, words 5–6); the digest words stay in {@link words}. */
  hashWith(nonce: number): Uint32Array {
    this.tail[5] = Math.floor(nonce / 2 ** 32);
    this.tail[6] = nonce >>> 0;
    this.state.set(this.midstate);
    compress(this.state, this.tail);
    return this.state;
  }

  get words(): Uint32Array {
    return this.state;
  }

  /** The hex hash of the last {@link hashWith} call. */
  digestHex(): string {
    const out = new Uint8Array(32);
    writeDigest(this.state, out);
    return toHex(out);
  }
}
