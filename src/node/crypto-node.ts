import {
  createPrivateKey,
  createPublicKey,
  hash,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { createRequire } from 'node:module';
import type { CryptoPort } from '../core/crypto.ts';

// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410 §4 and §7).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Public KeyObjects of recently seen keys, by base64url of the raw key; most recently used last. */
const publicKeyCache = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_SIZE = 4096;

/**
 * The KeyObject of a raw 32-byte Ed25519 public key. Imported as a JWK (RFC 8037 §2), which Node
 * hands to OpenSSL as raw key bytes: importing the equivalent SPKI DER goes through OpenSSL 3's
 * generic decoder and costs about as much as the signature check itself (~120 µs against ~8 µs).
 * Neither import validates the point; OpenSSL decodes it when verifying, so the results are the
 * same. Keys are cached (bounded, least recently used evicted), since authors post repeatedly.
 */
function publicKeyObject(raw: Uint8Array): KeyObject {
  const x = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url');
  let key = publicKeyCache.get(x);
  if (key !== undefined) {
    publicKeyCache.delete(x);
  } else {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_SIZE) {
      publicKeyCache.delete(publicKeyCache.keys().next().value as string);
    }
  }
  publicKeyCache.set(x, key);
  return key;
}

/**
 * libsodium's Ed25519 check, or undefined when sodium-native has no build for this platform (then
 * OpenSSL alone verifies; `ed25519FastPathError` says why). Loaded with require so that a missing
 * prebuild is a caught error here, not a failed import of every module that verifies.
 */
let sodiumVerify:
  | ((signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean)
  | undefined;
/** Why the libsodium fast path is off (the load error), or undefined when it is on. */
export let ed25519FastPathError: string | undefined;
try {
  const sodium = createRequire(import.meta.url)('sodium-native') as typeof import('sodium-native');
  sodiumVerify = sodium.crypto_sign_verify_detached;
} catch (error) {
  ed25519FastPathError = error instanceof Error ? error.message : String(error);
}

/** OpenSSL's answer: the consensus rule of PROTOCOL §2.3, bit for bit. */
function opensslVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/**
 * Ed25519 verification (PROTOCOL §2.3), with libsodium as a fast path for acceptance only: about
 * half OpenSSL's CPU per signature, and no KeyObject to import or cache.
 *
 * Why "libsodium accepts ⇒ OpenSSL accepts": libsodium's crypto_sign_verify_detached (ref10
 * open.c, built without ED25519_COMPAT) returns valid only when
 *  1. S < L (sc25519_is_canonical; a clear top nibble means S < 2^252 < L): §2.3 step 1;
 *  2. R is not a small-order encoding (ge25519_has_small_order): an extra refusal;
 *  3. A is canonical (y < p) and not of small order (ge25519_is_canonical, has_small_order): extra
 *     refusals. So y mod p = y, and A is neither point with x = 0 (y = ±1, orders 1 and 2), so the
 *     sign bit is never ignored: A decodes to the very point §2.3 step 2 gives, and a y with no
 *     square root is refused as there (ge25519_frombytes_negate_vartime);
 *  4. k = SHA-512(R_bytes ‖ A_bytes ‖ M) mod L over the bytes as given: step 3;
 *  5. the canonical encoding of [k](−A) + [S]B equals R_bytes byte for byte (crypto_verify_32), no
 *     cofactor: step 4.
 * So whatever it accepts meets every condition of §2.3. The converse fails (2 and 3: e.g. R = the
 * neutral point, valid under §2.3 for its key holder), so a refusal is asked again of OpenSSL and
 * its answer returned: the rule is unchanged, and an invalid signature pays for both checks.
 */
function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  if (sodiumVerify?.(signature, message, publicKey)) return true;
  return opensslVerify(signature, message, publicKey);
}

/** Verification by OpenSSL alone, without the libsodium fast path: for tests and measurements. */
export function verifyWithOpenssl(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  return opensslVerify(signature, message, publicKey);
}

function privateKeyObject(seed: Uint8Array) {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The crypto port on node:crypto (OpenSSL), with libsodium as the fast path of verify: the node's. */
export const nodeCrypto: CryptoPort = {
  sha256: (data) => hash('sha256', data, 'buffer'),
  sign: (message, privateKey) => new Uint8Array(sign(null, message, privateKeyObject(privateKey))),
  verify: ed25519Verify,
  publicKey: (privateKey) => {
    const der = createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' });
    return new Uint8Array(der.subarray(SPKI_PREFIX.length));
  },
  randomPrivateKey: () => new Uint8Array(randomBytes(32)),
};
