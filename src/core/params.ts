import type { Block } from './block.ts';
import { decodeBits } from './compact.ts';
import type { AsertAnchor } from './difficulty.ts';
import { EMPTY_MERKLE_ROOT } from './merkle.ts';

/** Consensus and policy parameters of one network (docs/PROTOCOL.md §8). */
export interface NetworkParams {
  readonly name: NetworkName;
  /** The easiest target allowed, and its compact bits. */
  readonly powLimit: bigint;
  readonly powLimitBits: number;
  /** Whether aserti3-2d adjusts the target; when false every block carries powLimitBits. */
  readonly difficultyAdjustment: boolean;
  /** Ideal seconds between blocks. */
  readonly targetSpacing: number;
  /** Seconds of schedule drift that halve or double the target. */
  readonly halfLife: number;
  /** How far past the validator's clock a block timestamp may be (seconds). */
  readonly maxFutureBlockTime: number;
  /** How many ancestors the median-time-past rule looks at. */
  readonly medianTimeSpan: number;
  readonly maxBlockPosts: number;
  /** Sum of the canonical JSON sizes of a block's posts, signatures included. */
  readonly maxBlockBytes: number;
  /**
   * Consensus floor (§12.3): the stamp work every post in a block carries at least, in expected
   * hashes. 0 lets posts without a stamp in.
   */
  readonly minStampWork: number;
  readonly genesis: Readonly<Block>;
  readonly genesisHash: string;
  readonly defaultPort: number;
  /**
   * Base URLs of long-running nodes a new node dials first when it knows no peer (Bitcoin's
   * seeds, docs/PROTOCOL.md §11.6). The operator overrides them with `--seed` (repeatable) and
   * adds peers with `--peer`; every other address is learned from peers.
   */
  readonly seeds: readonly string[];
}

export type NetworkName = 'main' | 'regtest';

const ZERO_HASH = '0'.repeat(64);
/** 2026-11-23T00:00:00Z */
const GENESIS_TIME = 1795392000;

function genesisBlock(bits: number, nonce: number, hash: string): Block {
  return {
    version: 1,
    index: 0,
    previous_hash: ZERO_HASH,
    merkle_root: EMPTY_MERKLE_ROOT,
    timestamp: GENESIS_TIME,
    bits,
    nonce,
    hash,
    transactions: [],
  };
}

const MAIN_BITS = 0x1e0fffff;
const REGTEST_BITS = 0x207fffff;

// Pinned genesis blocks: nonces found by `npm run genesis`; tests re-derive both hashes.
const mainGenesis = genesisBlock(
  MAIN_BITS,
  456524,
  '000008459995b0ee62f67ff69af076b358de67a8657e80f9ba8c7da4403935ef',
);
const regtestGenesis = genesisBlock(
  REGTEST_BITS,
  0,
  '1ee56b5e654877b8de5861117bd52d346333f48b9b6cfa2d0c2d189ac8b8fa69',
);

export const MAIN: NetworkParams = {
  name: 'main',
  powLimit: decodeBits(MAIN_BITS)!,
  powLimitBits: MAIN_BITS,
  difficultyAdjustment: true,
  targetSpacing: 60,
  halfLife: 3600,
  maxFutureBlockTime: 2 * 60 * 60,
  medianTimeSpan: 11,
  maxBlockPosts: 10_000,
  maxBlockBytes: 4_000_000,
  // 2^12 hashes: ~2 ms of one desktop core in JavaScript, ~10 ms on a phone, so an honest post
  // never waits on it; a block of 10,000 junk posts costs 4·10^7 hashes (the node's policy
  // minimum, §12.4, sets the real price under load). See docs/PROTOCOL.md §12.3.
  minStampWork: 2 ** 12,
  genesis: mainGenesis,
  genesisHash: mainGenesis.hash,
  defaultPort: 8000,
  // Placeholder: main has no public seed nodes yet. Operators start with --seed or --peer; a
  // release that ships seeds lists their base URLs here (https, no path).
  seeds: [],
};

export const REGTEST: NetworkParams = {
  ...MAIN,
  name: 'regtest',
  powLimit: decodeBits(REGTEST_BITS)!,
  powLimitBits: REGTEST_BITS,
  difficultyAdjustment: false,
  minStampWork: 0,
  genesis: regtestGenesis,
  genesisHash: regtestGenesis.hash,
  seeds: [],
};

export const NETWORKS: Readonly<Record<NetworkName, NetworkParams>> = { main: MAIN, regtest: REGTEST };

/** The aserti3-2d anchor of a network: its genesis block. */
export function asertAnchor(params: NetworkParams): AsertAnchor {
  return {
    height: 0,
    parentTime: params.genesis.timestamp - params.targetSpacing,
    target: decodeBits(params.genesis.bits)!,
  };
}
