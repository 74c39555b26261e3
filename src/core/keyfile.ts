import { fromHex, isLowerHex, toHex } from './bytes.ts';
import type { CryptoPort } from './crypto.ts';

/**
 * The key file (JSON), one format for the CLI (`yournet keygen`, `yournet post --key`) and the
 * web app (export, import): a key made on one side works on the other.
 *
 *   { "type": "yournet-ed25519", "public_key": hex, "private_key": hex, "created_at": ISO date,
 *     "name": display name (the app's export only) }
 *
 * Writers always write every field but `name`. Readers require `type` and `private_key`; they
 * check `public_key` against the private key when it is there and derive it when it is not, and
 * default `created_at`, so every file either side ever wrote keeps loading.
 */

export const KEY_FILE_TYPE = 'yournet-ed25519';

export interface KeyFile {
  readonly type: typeof KEY_FILE_TYPE;
  /** 32-byte Ed25519 public key, lowercase hex. */
  readonly public_key: string;
  /** 32-byte Ed25519 private key seed, lowercase hex. */
  readonly private_key: string;
  /** ISO 8601 date of creation. */
  readonly created_at: string;
  /** The display name the app signs posts with; absent from the CLI's files. */
  readonly name?: string;
}

/** A key as read from a key file: checked, the public key belonging to the private key. */
export interface KeyFileKey {
  /** Lowercase hex of the 32-byte private key seed. */
  readonly privateKey: string;
  /** Lowercase hex of the 32-byte public key. */
  readonly publicKey: string;
  readonly createdAt: string;
  /** The file's `name`, when it is a string (the app checks it against the author rule). */
  readonly name?: string;
}

export type KeyFileResult =
  | { readonly ok: true; readonly key: KeyFileKey }
  | { readonly ok: false; readonly message: string };

/** `created_at` of a file that has none (old or hand-written files). */
const UNKNOWN_CREATION = new Date(0).toISOString();

/** The file for a key; `name` is written only when it is not blank. */
export function keyFile(key: {
  readonly privateKey: string;
  readonly publicKey: string;
  readonly createdAt: string;
  readonly name?: string;
}): KeyFile {
  return {
    type: KEY_FILE_TYPE,
    public_key: key.publicKey,
    private_key: key.privateKey,
    created_at: key.createdAt,
    ...(key.name !== undefined && key.name.trim() !== '' ? { name: key.name } : {}),
  };
}

/** A file for a fresh random key. */
export function generateKeyFile(crypto: CryptoPort, now = new Date()): KeyFile {
  const privateKey = crypto.randomPrivateKey();
  return keyFile({
    privateKey: toHex(privateKey),
    publicKey: toHex(crypto.publicKey(privateKey)),
    createdAt: now.toISOString(),
  });
}

/** The file's text: pretty JSON, fields in the order above, a final newline. */
export function serializeKeyFile(file: KeyFile): string {
  return `${JSON.stringify(keyFile({ privateKey: file.private_key, publicKey: file.public_key, createdAt: file.created_at, name: file.name }), null, 2)}\n`;
}

function failure(message: string): KeyFileResult {
  return { ok: false, message };
}

/**
 * Reads a key file's text. Checks the type, the hex forms and that the public key belongs to the
 * private key; never throws. Messages are sentences a person can act on.
 */
export function parseKeyFile(text: string, crypto: CryptoPort): KeyFileResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return failure('This file is not a YourNet key file (it is not JSON).');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return failure('This file is not a YourNet key file.');
  }
  const file = data as Record<string, unknown>;
  if (file['type'] !== KEY_FILE_TYPE) {
    return failure(`This file is not a YourNet key file (type is not "${KEY_FILE_TYPE}").`);
  }
  const privateKey = file['private_key'];
  if (!isLowerHex(privateKey, 32)) return failure('The private key must be 64 lowercase hex digits.');
  const claimed = file['public_key'];
  if (claimed !== undefined && !isLowerHex(claimed, 32)) {
    return failure('The public key must be 64 lowercase hex digits.');
  }
  const publicKey = toHex(crypto.publicKey(fromHex(privateKey)));
  if (claimed !== undefined && claimed !== publicKey) {
    return failure('The public key in the file does not belong to its private key.');
  }
  const createdAt = typeof file['created_at'] === 'string' ? file['created_at'] : UNKNOWN_CREATION;
  const name = file['name'];
  const key: KeyFileKey = { privateKey, publicKey, createdAt, ...(typeof name === 'string' ? { name } : {}) };
  return { ok: true, key };
}

/** A short, readable fingerprint of a public key: the first 16 hex digits in groups of four. */
export function fingerprint(publicKey: string): string {
  return publicKey.slice(0, 16).replace(/(.{4})(?=.)/g, '$1:');
}
