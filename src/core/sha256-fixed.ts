/**
 * SHA-256 (FIPS 180-4) specialised for the two hot paths of the protocol: merkle nodes
 * (33- and 65-byte messages) and proof-of-work header hashing with a precomputed midstate.
 *
 * Why hand-written: a general-purpose hash call costs ~1.3 µs of per-call overhead in V8
 * (allocation, padding, finalisation), which dominates for inputs of one or two blocks.
 * Working on preallocated words lets a miner reuse the state after the header's constant first
 * 64 bytes (the "midstate") and hash each nonce with a single compression.
 * Every function here is checked against node:crypto and @noble/hashes in the tests.
 */

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
// Held as Int32Array, like the schedule W: V8 keeps int32 elements in registers untagged, while
// uint32 elements above 2^31 go through float64 conversions (about 30% slower compressions).
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

// FIPS 180-4 §5.3.3: initial hash value.
export const SHA256_IV: Readonly<Uint32Array> = new Uint32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const W = new Int32Array(64);

/** One SHA-256 compression (FIPS 180-4 §6.2.2): updates `state` in place with the 16 words of `block`. */
export function compress(state: Uint32Array, block: Uint32Array): void {
  for (let t = 0; t < 16; t++) W[t] = block[t]! | 0;
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = state[0]! | 0;
  let b = state[1]! | 0;
  let c = state[2]! | 0;
  let d = state[3]! | 0;
  let e = state[4]! | 0;
  let f = state[5]! | 0;
  let g = state[6]! | 0;
  let h = state[7]! | 0;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    // Ch(e,f,g) = (e & f) ^ (~e & g) and Maj(a,b,c) = (a & b) ^ (a & c) ^ (b & c), in fewer operations.
    const ch = g ^ (e & (f ^ g));
    const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) | (c & (a | b));
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + S0 + maj) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** Reads 16 big-endian words from `bytes` starting at `offset`; `bytes` must hold offset + 64 bytes. */
export function readBlockWords(bytes: Uint8Array, offset: number, out: Uint32Array): void {
  for (let i = 0; i < 16; i++) {
    const p = offset + i * 4;
    out[i] =
      ((bytes[p] as number) << 24) |
      ((bytes[p + 1] as number) << 16) |
      ((bytes[p + 2] as number) << 8) |
      (bytes[p + 3] as number);
  }
}

/** Writes the 8 state words as the 32-byte big-endian digest into `out` at `offset`. */
export function writeDigest(state: Uint32Array, out: Uint8Array, offset = 0): void {
  for (let i = 0; i < 8; i++) {
    const w = state[i] as number;
    out[offset + i * 4] = w >>> 24;
    out[offset + i * 4 + 1] = (w >>> 16) & 0xff;
    out[offset + i * 4 + 2] = (w >>> 8) & 0xff;
    out[offset + i * 4 + 3] = w & 0xff;
  }
}

const MSG = new Uint8Array(128);
const BLOCK = new Uint32Array(16);
const STATE = new Uint32Array(8);

/**
 * SHA-256 of a short message (at most 119 bytes: two blocks after padding, FIPS 180-4 §5.1.1),
 * written into `out` at `outOffset`. No allocation.
 */
export function sha256Short(message: Uint8Array, out: Uint8Array, outOffset = 0): void {
  const n = message.length;
  if (n > 119) throw new RangeError('sha256Short takes at most 119 bytes');
  const blocks = n <= 55 ? 1 : 2;
  MSG.fill(0, 0, blocks * 64);
  MSG.set(message, 0);
  MSG[n] = 0x80;
  const bitLength = n * 8;
  const end = blocks * 64;
  MSG[end - 2] = bitLength >>> 8;
  MSG[end - 1] = bitLength & 0xff;
  STATE.set(SHA256_IV);
  for (let b = 0; b < blocks; b++) {
    readBlockWords(MSG, b * 64, BLOCK);
    compress(STATE, BLOCK);
  }
  writeDigest(STATE, out, outOffset);
}
