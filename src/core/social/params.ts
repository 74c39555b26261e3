import type { NetworkName } from '../params.ts';

/** Per-network rules of names (docs/PROTOCOL.md §13.5). */
export interface NameParams {
  /** A reveal counts only this many blocks (or more) after its commitment was confirmed. */
  readonly revealDelay: number;
  /** A name lapses this many blocks after its last claim or renewal. */
  readonly expiry: number;
}

/**
 * main: 12 blocks (about 12 minutes at 60 s a block) between commitment and reveal, so a miner
 * who sees a reveal cannot get a commitment of its own old enough in time; a name lasts
 * 525,600 blocks (about a year). regtest: small numbers so tests see every state quickly.
 */
export const NAME_PARAMS: Readonly<Record<NetworkName, NameParams>> = {
  main: { revealDelay: 12, expiry: 525_600 },
  regtest: { revealDelay: 2, expiry: 20 },
};
