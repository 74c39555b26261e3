import { InvalidArgumentError } from 'commander';

/** Shared option parsers: commander calls them with the raw text and shows their errors. */

/** A TCP port, 0 (any free port) to 65535. */
export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  }
  return n;
}

/** An integer ≥ 1. */
export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** Collects a repeatable option (`--peer A --peer B`) into a list. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
