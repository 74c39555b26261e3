/**
 * Pure helpers for identities: key fingerprints, avatars, names and the key file. The key
 * file is the one `yournet keygen` writes (`type: "yournet-ed25519"`), plus the display name,
 * so a key exported from the app works with `yournet post --key` and the other way round.
 */
import { fromHex, isLowerHex, toHex } from '../../../src/core/bytes.ts';
import type { CryptoPort } from '../../../src/core/crypto.ts';
import { POST_LIMITS } from '../../../src/core/post.ts';

export const KEY_FILE_TYPE = 'yournet-ed25519';

/** The key file as the app exports it. */
export interface KeyFileJson {
  readonly type: typeof KEY_FILE_TYPE;
  readonly public_key: string;
  readonly private_key: string;
  readonly created_at: string;
  readonly name?: string;
}

/** An identity: an Ed25519 key pair and the display name posts are signed with. */
export interface Identity {
  /** 32-byte private key seed, lowercase hex. */
  readonly privateKey: string;
  readonly publicKey: string;
  readonly createdAt: string;
}

/** A readable fingerprint, as the CLI prints it: the first 16 hex digits in groups of four. */
export function fingerprint(publicKey: string): string {
  return publicKey.slice(0, 16).replace(/(.{4})(?=.)/g, '$1:');
}

/** The short fingerprint shown beside an author in the feed: the first 8 hex digits. */
export function shortFingerprint(publicKey: string): string {
  return publicKey.slice(0, 4) + (publicKey.length > 4 ? `:${publicKey.slice(4, 8)}` : '');
}

/** The avatar's letter: the first character (code point) of the name, upper-cased; "?" for none. */
export function avatarInitial(author: string): string {
  const first = Array.from(author.trim())[0];
  return first === undefined ? '?' : first.toLocaleUpperCase();
}

/** A stable hue (0–359) for an avatar, from the key when signed, else from the name (FNV-1a). */
export function avatarHue(seed: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 360;
}

/** Why a display name cannot be used, or undefined when it can (the protocol's author rule). */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'Enter your name.';
  if (/\p{Cc}/u.test(name)) return 'The name cannot contain control characters.';
  if (Array.from(name).length > POST_LIMITS.authorMaxChars)
    return `The name is longer than ${POST_LIMITS.authorMaxChars} characters.`;
  return undefined;
}

/** A new identity from fresh random bytes. */
export function newIdentity(crypto: CryptoPort, now = new Date()): Identity {
  const privateKey = crypto.randomPrivateKey();
  return {
    privateKey: toHex(privateKey),
    publicKey: toHex(crypto.publicKey(privateKey)),
    createdAt: now.toISOString(),
  };
}

/** The key file's text (pretty JSON) for an identity and its display name. */
export function exportKeyFile(identity: Identity, name: string): string {
  const file: KeyFileJson = {
    type: KEY_FILE_TYPE,
    public_key: identity.publicKey,
    private_key: identity.privateKey,
    created_at: identity.createdAt,
    ...(name.trim() !== '' ? { name } : {}),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export type ParsedKeyFile =
  | { readonly ok: true; readonly identity: Identity; readonly name?: string }
  | { readonly ok: false; readonly message: string };

/**
 * Reads a key file (the app's export or `yournet keygen`'s). Checks the type, the hex forms and
 * that the public key belongs to the private key; never throws.
 */
export function parseKeyFile(text: string, crypto: CryptoPort): ParsedKeyFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, message: 'This file is not a YourNet key file (it is not JSON).' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, message: 'This file is not a YourNet key file.' };
  }
  const file = data as Record<string, unknown>;
  if (file['type'] !== KEY_FILE_TYPE) {
    return { ok: false, message: `This file is not a YourNet key file (type is not "${KEY_FILE_TYPE}").` };
  }
  const privateKey = file['private_key'];
  if (!isLowerHex(privateKey, 32)) {
    return { ok: false, message: 'The private key must be 64 lowercase hex digits.' };
  }
  const publicKey = toHex(crypto.publicKey(fromHex(privateKey)));
  if (file['public_key'] !== undefined && file['public_key'] !== publicKey) {
    return { ok: false, message: 'The public key in the file does not belong to its private key.' };
  }
  const createdAt = typeof file['created_at'] === 'string' ? file['created_at'] : new Date(0).toISOString();
  const name = file['name'];
  const identity: Identity = { privateKey, publicKey, createdAt };
  if (typeof name === 'string' && nameProblem(name) === undefined) return { ok: true, identity, name };
  return { ok: true, identity };
}
