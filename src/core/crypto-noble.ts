import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { CryptoPort } from './crypto.ts';

/**
 * The crypto port on @noble (pure JavaScript): used by the browser, and by tests to show
 * that it agrees with the node:crypto implementation on every vector.
 * `zip215: false` selects RFC 8032 strict verification, the rule OpenSSL (node:crypto) applies.
 */
export const nobleCrypto: CryptoPort = {
  sha256: (data) => sha256(data),
  sign: (message, privateKey) => ed25519.sign(message, privateKey),
  verify: (signature, message, publicKey) => {
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  publicKey: (privateKey) => ed25519.getPublicKey(privateKey),
  randomPrivateKey: () => ed25519.utils.randomSecretKey(),
};
