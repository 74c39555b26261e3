import { createPrivateKey, createPublicKey, hash, randomBytes, sign, verify } from 'node:crypto';
import type { CryptoPort } from '../core/crypto.ts';

// DER prefixes that wrap a raw 32-byte Ed25519 key (RFC 8410 §4 and §7).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function publicKeyObject(raw: Uint8Array) {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
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
