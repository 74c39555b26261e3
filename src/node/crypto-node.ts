import {
  createPrivateKey,
  createPublicKey,
  hash,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
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

function privateKeyObject(seed: Uint8Array) {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** The crypto port on node:crypto (OpenSSL): the fast path for the node. */
export const nodeCrypto: CryptoPort = {
  sha256: (data) => hash('sha256', data, 'buffer'),
  sign: (message, privateKey) => new Uint8Array(sign(null, message, privateKeyObject(privateKey))),
  verify: (signature, message, publicKey) => {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, publicKeyObject(publicKey), signature);
    } catch {
      return false;
    }
  },
  publicKey: (privateKey) => {
    const der = createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' });
    return new Uint8Array(der.subarray(SPKI_PREFIX.length));
  },
  randomPrivateKey: () => new Uint8Array(randomBytes(32)),
};
