/**
 * This device's stamping speed, for the Composer's "≈ 0.8 s of work on this device": a short
 * probe on first use (one core, scaled by the core count), replaced by what each real stamping
 * run measured (all workers together), which is the figure that counts.
 */
import type { CryptoPort } from '#core/crypto.ts';
import type { Post } from '#core/post.ts';
import { bitsForWork, grindStamp, stampDigest } from '#core/stamp.ts';

/** Attempts of the probe: a few ms on a phone, enough to time. */
const PROBE_HASHES = 2048;
/** A target no probe meets (work 2^200), so the probe always runs its full count. */
const PROBE_BITS = bitsForWork(1n << 200n);
const PROBE_POST: Post = { author: 'probe', content: 'probe', timestamp: 0, pubkey: '00'.repeat(32) };

export function deviceCores(): number {
  return Math.max(1, (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2);
}

/** Hashes per second of one probe on this thread. */
export function probeHashRate(crypto: CryptoPort, now: () => number = () => performance.now()): number {
  const digest = stampDigest(PROBE_POST, crypto);
  const started = now();
  grindStamp(PROBE_POST, PROBE_BITS, crypto, { count: PROBE_HASHES }, digest);
  const seconds = Math.max(1e-4, (now() - started) / 1000);
  return PROBE_HASHES / seconds;
}

export class HashRate {
  private measured: number | undefined;

  constructor(
    private readonly probe: (crypto: CryptoPort) => number = probeHashRate,
    private readonly cores: () => number = deviceCores,
  ) {}

  /** Hashes per second of the whole device (all its stamping workers); `crypto` hashes the probe. */
  estimate(crypto: CryptoPort): number {
    this.measured ??= this.probe(crypto) * this.cores();
    return this.measured;
  }

  /** Records a real run; runs too short to time (lucky stamps) are ignored. */
  observe(hashes: number, seconds: number): void {
    if (seconds >= 0.2 && hashes > 0) this.measured = hashes / seconds;
  }
}

/** The app's one measure of this device. */
export const hashRate = new HashRate();

export { describeWorkTime } from '../lib/format.ts';
