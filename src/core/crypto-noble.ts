import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes } from './bytes.ts';
import type { CryptoPort } from './crypto.ts';

const Point = ed25519.Point;
const L = Point.Fn.ORDER;

function bytesToNumberLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/**
 * Ed25519 verification with exactly the rule of OpenSSL (node:crypto), so that the two ports
 * accept the same signatures (RFC 8032 §5.1.7 with the cofactorless equation it permits):
 *   - S must be < L;
 *   - A is decoded as OpenSSL decodes it: y is read modulo p, x = 0 is accepted with either
 *     sign bit, and keys of small order are not refused;
 *   - k = SHA-512(R ‖ A ‖ M) over the bytes as given;
 *   - the signature is valid when the canonical encoding of [S]B − [k]A equals R byte for byte
 *     (so a non-canonical R never verifies).
 * @noble's own `ed25519.verify` checks the cofactored equation and refuses small-order keys:
 * it accepts signatures OpenSSL rejects and the other way round, which would split nodes.
 */
function verifyLikeOpenSsl(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const r = signature.subarray(0, 32);
  const s = bytesToNumberLE(signature.subarray(32, 64));
  if (s >= L) return false;
  try {
    const A = Point.fromBytes(publicKey, true);
    const k = bytesToNumberLE(sha512(concatBytes(r, publicKey, message))) % L;
    const check = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k));
    return bytesEqual(check.toBytes(), r);
  } catch {
    return false;
  }
}

/**
 * The crypto port on @noble (pure JavaScript): used by the browser, and by tests to show
 * that it agrees with the node:crypto implementation on every vector.
 */
export const nobleCrypto: CryptoPort = {
  sha256: (data) => sha256(data),
  sign: (message, privateKey) => ed25519.sign(message, privateKey),
  verify: verifyLikeOpenSsl,
  publicKey: (privateKey) => ed25519.getPublicKey(privateKey),
  randomPrivateKey: () => ed25519.utils.randomSecretKey(),
};
