import { QueryError } from './errors.ts';

/** Limits of the read API. */
export const QUERY_LIMITS = {
  feedMaxLimit: 200,
  blocksMaxLimit: 200,
  pendingMaxLimit: 1000,
  /** Characters of a full-text query. */
  searchMaxChars: 200,
  /** Whitespace-separated terms of a full-text query. */
  searchMaxTerms: 32,
  /**
   * Candidates one feed page examines at most (rows of the index or full-text match list that
   * drives it). A page whose other filters reject most candidates stops there and may hold
   * fewer than `limit` posts, even none, with a `next` cursor to continue: each request costs a
   * bounded time whatever the filters (e.g. a common word and an author who never used it).
   */
  feedScanBudget: 5000,
} as const;

/** Decimal height (no sign, no exponent) or 64 lowercase hex digits. */
export const HEIGHT = /^[0-9]{1,15}$/;
export const HASH = /^[0-9a-f]{64}$/;

/** The refusal of a query's arguments (the API layer decides the answer). */
export function badRequest(message: string): QueryError {
  return new QueryError(message);
}

export function checkLimit(limit: number, max: number, name = 'limit'): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) {
    throw badRequest(`${name} must be an integer from 1 to ${max}`);
  }
}

export function checkCursor(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw badRequest(`${name} must be a non-negative integer`);
  }
}
