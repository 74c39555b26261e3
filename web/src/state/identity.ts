/**
 * This browser's identity: the signing key and the name posts go out under, kept in
 * localStorage, in clear or sealed with a passphrase (key-vault.ts: then unlocked once per
 * visit), and whether it was backed up (the key file downloaded). Owns `identity`, `name`,
 * `lockedKey`, `keyProtected` and `keyBackedUp`.
 */
import { loadCrypto } from '../lib/ed25519.ts';
import type { Identity } from '../lib/identity-format.ts';
import { storage } from '../lib/storage.ts';
import type { StateHub, Writer } from './hub.ts';
import { loadPostCode, type PostCode } from './load-post-code.ts';
import { parseSealedKey } from './sealed-key.ts';
import type { AppState } from './types.ts';

const IDENTITY_KEY = 'yournet.identity';
const NAME_KEY = 'yournet.name';
/** The public key whose backup was made (or whose reminder was dismissed). */
const BACKUP_KEY = 'yournet.key-backup';

/** The stored identity, unless there is none or it is damaged (then a new one is made on the next post). */
export function parseStoredIdentity(text: string | undefined): Identity | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Identity;
    if (/^[0-9a-f]{64}$/.test(value.privateKey) && /^[0-9a-f]{64}$/.test(value.publicKey)) return value;
  } catch {
    // A damaged entry: treat as no key.
  }
  return undefined;
}

type Owned = 'identity' | 'name' | 'lockedKey' | 'keyProtected' | 'keyBackedUp';

/** The identity fields of the first state, read from this browser. */
export function storedIdentity(): Pick<AppState, Owned> {
  const text = storage.get(IDENTITY_KEY);
  const sealed = parseSealedKey(text);
  const identity = sealed === undefined ? parseStoredIdentity(text) : undefined;
  const publicKey = sealed?.publicKey ?? identity?.publicKey;
  return {
    name: storage.get(NAME_KEY) ?? '',
    keyProtected: sealed !== undefined,
    keyBackedUp: publicKey !== undefined && storage.get(BACKUP_KEY) === publicKey,
    ...(identity !== undefined ? { identity } : {}),
    ...(sealed !== undefined ? { lockedKey: sealed } : {}),
  };
}

export class IdentityStore {
  private readonly write: Writer<AppState, Owned>;

  constructor(private readonly hub: StateHub<AppState>) {
    this.write = hub.own('identity', 'name', 'lockedKey', 'keyProtected', 'keyBackedUp');
  }

  /**
   * The key to sign with; the first post creates it. Undefined while the stored key is sealed
   * and not unlocked: a new key must never replace it.
   */
  async ensure(): Promise<Identity | undefined> {
    const [crypto, { newIdentity }] = await Promise.all([loadCrypto(), loadPostCode()]);
    // Read after the wait: another post (or an import) may have made or set the key meanwhile.
    const { identity, lockedKey } = this.hub.state;
    if (identity !== undefined) return identity;
    if (lockedKey !== undefined) return undefined;
    const created = newIdentity(crypto);
    this.set(created);
    return created;
  }

  setName(name: string): void {
    if (name === this.hub.state.name) return;
    storage.set(NAME_KEY, name);
    this.write({ name });
  }

  /** Replaces the identity (import) or creates one; stored in clear (protect it again after). */
  set(identity: Identity, name?: string): void {
    storage.set(IDENTITY_KEY, JSON.stringify(identity));
    this.write({
      identity,
      lockedKey: undefined,
      keyProtected: false,
      keyBackedUp: storage.get(BACKUP_KEY) === identity.publicKey,
    });
    if (name !== undefined) this.setName(name);
  }

  /** Unlocks the sealed key for this visit; the passphrase's message on failure. */
  async unlock(passphrase: string): Promise<string | undefined> {
    const sealed = this.hub.state.lockedKey;
    if (sealed === undefined) return undefined;
    let code: PostCode;
    try {
      code = await loadPostCode();
    } catch (error) {
      return `The key code could not be loaded: ${(error as Error).message}`;
    }
    const opened = await code.openSealedKey(sealed, passphrase);
    if (!opened.ok) return opened.message;
    this.write({ identity: opened.identity, lockedKey: undefined });
    return undefined;
  }

  /** Seals the key with a passphrase: from now on localStorage holds it encrypted only. */
  async protect(passphrase: string): Promise<void> {
    const identity = this.hub.state.identity;
    if (identity === undefined) return;
    const { sealKey } = await loadPostCode();
    const sealed = await sealKey(identity, this.hub.state.name, passphrase);
    storage.set(IDENTITY_KEY, JSON.stringify(sealed));
    this.write({ keyProtected: true });
  }

  /** Stores the unlocked key in clear again (no passphrase). */
  unprotect(): void {
    const identity = this.hub.state.identity;
    if (identity !== undefined) this.set(identity);
  }

  /** The key file was downloaded (or the reminder dismissed): no more backup prompt for this key. */
  markBackedUp(): void {
    const publicKey = this.hub.state.identity?.publicKey ?? this.hub.state.lockedKey?.publicKey;
    if (publicKey === undefined) return;
    storage.set(BACKUP_KEY, publicKey);
    this.write({ keyBackedUp: true });
  }
}
