import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bigIntToHex256, fromHex } from '../../core/bytes.ts';
import { grindNonce } from '../../core/grind.ts';
import { type BlockHeader, encodeHeader } from '../../core/header.ts';

/**
 * The native nonce search (native/, an N-API addon built at install by scripts/build-native.mjs):
 * the same search as core's grindNonce, with the CPU's SHA extensions (x86 SHA-NI, ARMv8 SHA2).
 * The loader never throws: when the addon is missing, was built for another Node, reports no SHA
 * extensions, or disagrees with the JavaScript search on the known vectors, the miner keeps the
 * JavaScript search and the reason is reported.
 */

/** The addon's CPU backends; 'none' means the CPU has no SHA extensions. */
export type NativeBackend = 'sha-ni' | 'armv8-sha2';

/** What the addon exports (native/src/addon.c). */
export interface NativeModule {
  readonly backend: string;
  /** The first nonce in [start, start + count) whose header hash is ≤ target, or -1. */
  search(header: Uint8Array, target: Uint8Array, start: number, count: number): number;
}

export interface NativeMiner extends NativeModule {
  readonly backend: NativeBackend;
  /** The file it was loaded from. */
  readonly path: string;
}

export type NativeLoad =
  | { readonly ok: true; readonly miner: NativeMiner }
  | { readonly ok: false; readonly reason: string };

/** Set to 0 to mine with the JavaScript search even when the addon works (benchmarks, debugging). */
export const NATIVE_ENV = 'YOURNET_NATIVE_MINER';
/** Another path for the addon file (tests simulate a missing or broken addon with it). */
export const NATIVE_PATH_ENV = 'YOURNET_NATIVE_MINER_PATH';

/** Where the build puts the addon; src/node/miner and dist/node/miner are both three levels down. */
export const DEFAULT_ADDON_PATH = fileURLToPath(
  new URL('../../../native/build/Release/yournet_miner.node', import.meta.url),
);

/** The 32-byte big-endian encoding of a target, as the addon takes it. */
export function targetBytes(target: bigint): Uint8Array {
  return fromHex(bigIntToHex256(target));
}

/** Vectors checked at load: found, not found, and ranges across the 2^32 and 2^53 - 1 nonces. */
const VECTOR_HEADER: BlockHeader = {
  version: 1,
  index: 42,
  previous_hash: '6b'.repeat(32),
  merkle_root: '3c'.repeat(32),
  timestamp: 1_700_000_000,
  bits: 0x1f00ffff,
  nonce: 0,
};
const VECTORS: readonly { readonly divisor: bigint; readonly start: number; readonly count: number }[] = [
  { divisor: 1000n, start: 0, count: 20_000 },
  { divisor: 3000n, start: 2 ** 32 - 1500, count: 30_000 },
  { divisor: 200n, start: 2 ** 53 - 4000, count: 4000 },
  { divisor: 1n << 40n, start: 123_456, count: 3000 },
];

/** Checks a loaded module against the JavaScript search; returns why it failed, or undefined. */
export function checkNative(module: NativeModule): string | undefined {
  const header = encodeHeader(VECTOR_HEADER);
  for (const { divisor, start, count } of VECTORS) {
    const target = (1n << 256n) / divisor;
    const js = grindNonce(VECTOR_HEADER, target, { start, count });
    const expected = js.found ? js.nonce : -1;
    const got = module.search(header, targetBytes(target), start, count);
    if (got !== expected)
      return `the addon found nonce ${got} where the JavaScript search found ${expected} (target 2^256/${divisor}, start ${start})`;
  }
  return undefined;
}

export interface LoadOptions {
  /** The addon file; default the env override, then {@link DEFAULT_ADDON_PATH}. */
  readonly path?: string;
  /** How to load it; default Node's require (tests pass fakes). */
  readonly load?: (path: string) => unknown;
  readonly env?: NodeJS.ProcessEnv;
}

const requireAddon = createRequire(import.meta.url);

function isModule(value: unknown): value is NativeModule {
  const m = value as Partial<NativeModule> | null;
  return (
    typeof m === 'object' && m !== null && typeof m.backend === 'string' && typeof m.search === 'function'
  );
}

/** Loads and checks the addon. Never throws. */
export function loadNativeMiner(options: LoadOptions = {}): NativeLoad {
  const env = options.env ?? process.env;
  if (env[NATIVE_ENV] === '0') return { ok: false, reason: `disabled by ${NATIVE_ENV}=0` };
  const path = options.path ?? env[NATIVE_PATH_ENV] ?? DEFAULT_ADDON_PATH;
  let module: unknown;
  try {
    module = (options.load ?? requireAddon)(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason:
        code === 'MODULE_NOT_FOUND'
          ? `no native miner at ${path} (not built)`
          : `the native miner at ${path} did not load: ${(error as Error).message.split('\n')[0]}`,
    };
  }
  if (!isModule(module)) return { ok: false, reason: `${path} is not the native miner` };
  if (module.backend !== 'sha-ni' && module.backend !== 'armv8-sha2')
    return { ok: false, reason: 'no SHA extensions on this CPU' };
  let mismatch: string | undefined;
  try {
    mismatch = checkNative(module);
  } catch (error) {
    mismatch = `the addon threw on a known vector: ${(error as Error).message}`;
  }
  if (mismatch) return { ok: false, reason: mismatch };
  const { backend } = module;
  const search = module.search.bind(module);
  return { ok: true, miner: { backend, path, search } };
}
