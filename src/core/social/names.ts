import { toHex, utf8 } from '../bytes.ts';
import { canonicalJson } from '../canonical.ts';
import type { CryptoPort } from '../crypto.ts';
import type { NameParams } from './params.ts';

/** A name: 3–20 characters of a–z, 0–9 and `_` (docs/PROTOCOL.md §13.5). */
export const NAME_SYNTAX = /^[a-z0-9_]{3,20}$/;

export function isValidName(name: string): boolean {
  return NAME_SYNTAX.test(name);
}

/**
 * The commitment of a name claim: lowercase hex SHA-256 of the UTF-8 of the canonical JSON
 * (RFC 8785) of `{"name","pubkey","salt"}`. It binds the key, so a reveal seen in the pool is of
 * no use to anyone else, and the salt keeps the name secret until the reveal.
 */
export function nameCommitment(name: string, pubkey: string, salt: string, crypto: CryptoPort): string {
  return toHex(crypto.sha256(utf8(canonicalJson({ name, pubkey, salt }))));
}

/** Chain order: height, then position in the block. */
export interface ChainPlace {
  readonly height: number;
  readonly position: number;
}

export function compareChainOrder(a: ChainPlace, b: ChainPlace): number {
  return a.height - b.height || a.position - b.position;
}

/** A confirmed `name` action (a claim or a renewal) for one name. */
export interface NameAction extends ChainPlace {
  readonly id: string;
  readonly pubkey: string;
  /** The salt (the action's `ref`). */
  readonly salt: string;
}

/** Who holds a name after the actions up to some height. */
export interface NameState {
  readonly name: string;
  readonly owner: string;
  /** Height of the claim that gave the owner the name (renewals keep it). */
  readonly claimedAt: number;
  /** Height of the last claim or renewal. */
  readonly renewedAt: number;
  /** Its position in that block (a key's handle is its latest-renewed name, §13.5). */
  readonly renewedPosition: number;
  /** First height at which the name is free again. */
  readonly expiresAt: number;
  /** The id of the winning claim. */
  readonly claimId: string;
}

/**
 * The owner of `name` by the rules of §13.5, from its confirmed `name` actions (any order) and a
 * lookup of the height at which a commitment by a key was first confirmed. In chain order, each
 * action: renews the name when its key holds it and it has not expired; is ignored when another
 * key holds it; otherwise claims it when the key's commitment to (name, key, salt) was confirmed
 * at least `revealDelay` blocks before. Returns undefined when nobody ever held it; the caller
 * compares `expiresAt` with its tip.
 */
export function deriveNameOwner(
  name: string,
  actions: readonly NameAction[],
  commitHeight: (commitment: string, pubkey: string) => number | undefined,
  params: NameParams,
  crypto: CryptoPort,
): NameState | undefined {
  let state: NameState | undefined;
  for (const action of [...actions].sort(compareChainOrder)) {
    const held = state !== undefined && action.height < state.expiresAt;
    if (held && state!.owner === action.pubkey) {
      state = {
        ...state!,
        renewedAt: action.height,
        renewedPosition: action.position,
        expiresAt: action.height + params.expiry,
      };
      continue;
    }
    if (held) continue;
    const committed = commitHeight(nameCommitment(name, action.pubkey, action.salt, crypto), action.pubkey);
    if (committed === undefined || action.height - committed < params.revealDelay) continue;
    state = {
      name,
      owner: action.pubkey,
      claimedAt: action.height,
      renewedAt: action.height,
      renewedPosition: action.position,
      expiresAt: action.height + params.expiry,
      claimId: action.id,
    };
  }
  return state;
}

/** True when the state holds at `height` (the name has not expired by then). */
export function isHeld(state: NameState | undefined, height: number): state is NameState {
  return state !== undefined && height < state.expiresAt;
}
