/**
 * Pure helpers for identities: key fingerprints, avatars, names and the key file. The key file
 * format is core's (src/core/keyfile.ts), the one `yournet keygen` writes; the app's export adds
 * only the display name, so a key exported from the app works with `yournet post --key` and the
 * other way round.
 */
import type { CryptoPort } from '#core/crypto.ts';
import {
  generateKeyFile,
  keyFile,
  parseKeyFile as parseKeyFileText,
  serializeKeyFile,
} from '#core/keyfile.ts';
import { POST_LIMITS } from '#core/post-limits.ts';

export { fingerprint, KEY_FILE_TYPE, type KeyFile as KeyFileJson } from '#core/keyfile.ts';

/** An identity: an Ed25519 key pair and the display name posts are signed with. */
export interface Identity {
  /** 32-byte private key seed, lowercase hex. */
  readonly privateKey: string;
  readonly publicKey: string;
  readonly createdAt: string;
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

/** Bidirectional formatting controls (embeddings, overrides, isolates, marks). */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * A name as displayed: bidi controls shown as U+FFFD, so `admin\u202Egnp.exe` cannot pass for
 * "adminexe.png" (the element around it is a `<bdi>`, so nothing leaks into the text after it).
 */
export function displayName(author: string): string {
  return author.replace(BIDI_CONTROLS, '\uFFFD');
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
  const file = generateKeyFile(crypto, now);
  return { privateKey: file.private_key, publicKey: file.public_key, createdAt: file.created_at };
}

/** The key file's text for an identity and its display name (written when not blank). */
export function exportKeyFile(identity: Identity, name: string): string {
  return serializeKeyFile(keyFile({ ...identity, name }));
}

export type ParsedKeyFile =
  | { readonly ok: true; readonly identity: Identity; readonly name?: string }
  | { readonly ok: false; readonly message: string };

/**
 * Reads a key file (the app's export or `yournet keygen`'s) with core's checks; never throws.
 * A name that breaks the author rule is dropped, the key kept.
 */
export function parseKeyFile(text: string, crypto: CryptoPort): ParsedKeyFile {
  const parsed = parseKeyFileText(text, crypto);
  if (!parsed.ok) return parsed;
  const { privateKey, publicKey, createdAt, name } = parsed.key;
  const identity: Identity = { privateKey, publicKey, createdAt };
  if (name !== undefined && nameProblem(name) === undefined) return { ok: true, identity, name };
  return { ok: true, identity };
}
