/**
 * Fast signing for building benchmark data: node:crypto with each private key imported once.
 * signPost through nodeCrypto imports the DER key twice per post, which would make preparing
 * the data the slowest part of a suite.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { toHex, utf8 } from '#core/bytes.ts';
import type { CryptoPort } from '#core/crypto.ts';
import { nodeCrypto } from '#node/crypto-node.ts';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export const signingCrypto: CryptoPort = (() => {
  const privateKeys = new Map<string, KeyObject>();
  const publicKeys = new Map<string, Uint8Array>();
  const keyObject = (seed: Uint8Array): KeyObject => {
    const hex = toHex(seed);
    let key = privateKeys.get(hex);
    if (key === undefined) {
      key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
      privateKeys.set(hex, key);
    }
    return key;
  };
  return {
    ...nodeCrypto,
    sign: (message, seed) => new Uint8Array(sign(null, message, keyObject(seed))),
    publicKey: (seed) => {
      const hex = toHex(seed);
      let pub = publicKeys.get(hex);
      if (pub === undefined) {
        // From the key object already imported for signing: about half the CPU of importing the
        // seed again (100,000 keys in the million suite).
        const spki = createPublicKey(keyObject(seed)).export({ format: 'der', type: 'spki' });
        pub = new Uint8Array(spki.subarray(-32));
        publicKeys.set(hex, pub);
      }
      return pub;
    },
  };
})();

/** A deterministic private key (32-byte seed) for `label`. */
export function benchKey(label: string): Uint8Array {
  return nodeCrypto.sha256(utf8(label));
}
