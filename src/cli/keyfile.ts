import { readFileSync, writeFileSync } from 'node:fs';
import { fromHex } from '../core/bytes.ts';
import { generateKeyFile, type KeyFile, parseKeyFile, serializeKeyFile } from '../core/keyfile.ts';
import { nodeCrypto } from '../node/crypto-node.ts';

/**
 * The key file on disk: the format is core's (src/core/keyfile.ts, shared with the web app);
 * this module only reads and writes it, private to its owner (mode 0600).
 */

export { fingerprint, type KeyFile } from '../core/keyfile.ts';

/** A fresh random key, as `yournet keygen` writes it. */
export function newKeyFile(): KeyFile {
  return generateKeyFile(nodeCrypto);
}

/** Writes a key file readable by its owner only. */
export function writeKeyFile(path: string, file: KeyFile): void {
  writeFileSync(path, serializeKeyFile(file), { mode: 0o600 });
}

/** Reads and checks a key file; the public key must belong to the private key. */
export function readKeyFile(path: string): { privateKey: Uint8Array; publicKey: string } {
  const parsed = parseKeyFile(readFileSync(path, 'utf8'), nodeCrypto);
  if (!parsed.ok) throw new Error(`${path}: ${parsed.message}`);
  return { privateKey: fromHex(parsed.key.privateKey), publicKey: parsed.key.publicKey };
}
