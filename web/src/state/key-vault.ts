/**
 * A signing key sealed with a passphrase for localStorage (WebCrypto only): PBKDF2-SHA-256
 * (600,000 iterations, OWASP's 2023 figure) derives an AES-256-GCM key; the plaintext is the
 * key file (src/core/keyfile.ts), so opening it runs core's checks (the public key must match
 * the private one); the public key is the additional data, so a sealed entry cannot be moved
 * to another key. A wrong passphrase fails GCM's tag check. Pure: no DOM, testable under Node.
 */
import { loadCrypto } from '../lib/ed25519.ts';
import { exportKeyFile, type Identity, parseKeyFile } from '../lib/identity-format.ts';
import type { SealedKey } from './sealed-key.ts';

export { parseSealedKey, type SealedKey } from './sealed-key.ts';

export const SEAL_ITERATIONS = 600_000;

export type OpenedKey =
  | { readonly ok: true; readonly identity: Identity; readonly name?: string }
  | { readonly ok: false; readonly message: string };

const encoder = new TextEncoder();
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (text: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array((text.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16)));

async function aesKey(
  passphrase: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Seals an identity (and its display name) with a passphrase. */
export async function sealKey(
  identity: Identity,
  name: string,
  passphrase: string,
  iterations = SEAL_ITERATIONS,
): Promise<SealedKey> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await aesKey(passphrase, salt, iterations);
  const plaintext = encoder.encode(exportKeyFile(identity, name));
  const additionalData = encoder.encode(identity.publicKey);
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, key, plaintext),
  );
  return {
    v: 1,
    kdf: 'PBKDF2-SHA-256',
    iterations,
    cipher: 'AES-256-GCM',
    salt: hex(salt),
    iv: hex(iv),
    ciphertext: hex(ciphertext),
    publicKey: identity.publicKey,
  };
}

/** Opens a sealed key; a wrong passphrase (or a damaged entry) is a message, never a throw. */
export async function openSealedKey(sealed: SealedKey, passphrase: string): Promise<OpenedKey> {
  try {
    const key = await aesKey(passphrase, unhex(sealed.salt), sealed.iterations);
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: unhex(sealed.iv), additionalData: encoder.encode(sealed.publicKey) },
      key,
      unhex(sealed.ciphertext),
    );
    const parsed = parseKeyFile(new TextDecoder().decode(plaintext), await loadCrypto());
    if (!parsed.ok || parsed.identity.publicKey !== sealed.publicKey) {
      return { ok: false, message: 'The stored key is damaged.' };
    }
    return parsed;
  } catch {
    return { ok: false, message: 'Wrong passphrase.' };
  }
}
