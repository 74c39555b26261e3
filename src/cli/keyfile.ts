import { readFileSync } from 'node:fs';
import { fromHex, isLowerHex, toHex } from '../core/bytes.ts';
import { nodeCrypto } from '../node/crypto-node.ts';

/** The key file written by `yournet keygen` (JSON, mode 0600). */
export interface KeyFile {
  readonly type: 'yournet-ed25519';
  readonly public_key: string;
  readonly private_key: string;
  readonly created_at: string;
}

export function newKeyFile(): KeyFile {
  const privateKey = nodeCrypto.randomPrivateKey();
  return {
    type: 'yournet-ed25519',
    public_key: toHex(nodeCrypto.publicKey(privateKey)),
    private_key: toHex(privateKey),
    created_at: new Date().toISOString(),
  };
}

/** Reads and checks a key file; the public key must match the private key. */
export function readKeyFile(path: string): { privateKey: Uint8Array; publicKey: string } {
  const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFile>;
  if (
    data.type !== 'yournet-ed25519' ||
    !isLowerHex(data.private_key, 32) ||
    !isLowerHex(data.public_key, 32)
  ) {
    throw new Error(`${path} is not a YourNet key file`);
  }
  const privateKey = fromHex(data.private_key);
  if (toHex(nodeCrypto.publicKey(privateKey)) !== data.public_key) {
    throw new Error(`${path}: the public key does not belong to the private key`);
  }
  return { privateKey, publicKey: data.public_key };
}

/** A short, readable fingerprint of a public key: the first 16 hex digits in groups of four. */
export function fingerprint(publicKey: string): string {
  return publicKey.slice(0, 16).replace(/(.{4})(?=.)/g, '$1:');
}
