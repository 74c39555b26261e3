/**
 * This browser's identity: the signing key and the name posts go out under, kept in
 * localStorage. Owns `identity` and `name`.
 */
import { nobleCrypto } from '#core/crypto-noble.ts';
import { type Identity, newIdentity } from '../lib/identity-format.ts';
import { storage } from '../lib/storage.ts';
import type { StateHub, Writer } from './hub.ts';
import type { AppState } from './types.ts';

const IDENTITY_KEY = 'yournet.identity';
const NAME_KEY = 'yournet.name';

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

/** The identity fields of the first state, read from this browser. */
export function storedIdentity(): Pick<AppState, 'identity' | 'name'> {
  const identity = parseStoredIdentity(storage.get(IDENTITY_KEY));
  return { name: storage.get(NAME_KEY) ?? '', ...(identity !== undefined ? { identity } : {}) };
}

export class IdentityStore {
  private readonly write: Writer<AppState, 'identity' | 'name'>;

  constructor(private readonly hub: StateHub<AppState>) {
    this.write = hub.own('identity', 'name');
  }

  /** The key to sign with; the first post creates it. */
  ensure(): Identity {
    const existing = this.hub.state.identity;
    if (existing !== undefined) return existing;
    const identity = newIdentity(nobleCrypto);
    this.set(identity);
    return identity;
  }

  setName(name: string): void {
    if (name === this.hub.state.name) return;
    storage.set(NAME_KEY, name);
    this.write({ name });
  }

  /** Replaces the identity (import) or creates one. */
  set(identity: Identity, name?: string): void {
    storage.set(IDENTITY_KEY, JSON.stringify(identity));
    this.write({ identity });
    if (name !== undefined) this.setName(name);
  }
}
