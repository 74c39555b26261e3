/**
 * A passphrase-sealed key as localStorage keeps it (key-vault.ts seals and opens it): its form
 * only, read at start to know whether the key is locked, without loading the vault's code.
 */

export interface SealedKey {
  readonly v: 1;
  readonly kdf: 'PBKDF2-SHA-256';
  readonly iterations: number;
  readonly cipher: 'AES-256-GCM';
  readonly salt: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly publicKey: string;
}

/** The sealed key in a stored entry, or undefined when the entry is not one. */
export function parseSealedKey(text: string | undefined): SealedKey | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SealedKey>;
    const isHex = (field: unknown, length?: number) =>
      typeof field === 'string' &&
      /^([0-9a-f]{2})+$/.test(field) &&
      (length === undefined || field.length === length);
    if (
      value.v === 1 &&
      value.kdf === 'PBKDF2-SHA-256' &&
      value.cipher === 'AES-256-GCM' &&
      Number.isSafeInteger(value.iterations) &&
      (value.iterations ?? 0) >= 100_000 &&
      (value.iterations ?? 0) <= 10_000_000 &&
      isHex(value.salt, 32) &&
      isHex(value.iv, 24) &&
      isHex(value.ciphertext) &&
      isHex(value.publicKey, 64)
    ) {
      return value as SealedKey;
    }
  } catch {
    // not JSON
  }
  return undefined;
}
