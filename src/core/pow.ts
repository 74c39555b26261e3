import { bigIntToHex256, hexToBigInt } from './bytes.ts';

/** Proof of work (docs/PROTOCOL.md §5): the hash read as a 256-bit big-endian integer is ≤ target. */
export function meetsTarget(hashHex: string, target: bigint): boolean {
  return hexToBigInt(hashHex) <= target;
}

/** Target as 8 big-endian 32-bit words, for comparing against digest words without bigint. */
export function targetWords(target: bigint): Uint32Array {
  const hex = bigIntToHex256(target);
  const words = new Uint32Array(8);
  for (let i = 0; i < 8; i++) words[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return words;
}

/** digest ≤ target, both as 8 big-endian words. */
export function wordsMeetTarget(digest: Uint32Array, target: Uint32Array): boolean {
  for (let i = 0; i < 8; i++) {
    const d = digest[i]! >>> 0;
    const t = target[i]!;
    if (d < t) return true;
    if (d > t) return false;
  }
  return true;
}

const TWO_256 = 1n << 256n;

/** Expected number of hashes to find a block at `target`: 2^256 / (target + 1), as Bitcoin's GetBlockProof. */
export function blockWork(target: bigint): bigint {
  return TWO_256 / (target + 1n);
}
