/**
 * One search box for everything, as in block explorers: a query that looks like a block height
 * or a 64-hex-digit hash (a post id, a block hash or a public key: the same shape) goes straight
 * to that page; anything else is a full-text search (each word matched as a prefix).
 */
import { ApiError, type NodeApi } from '../api.ts';

export type SearchTarget =
  /** Digits, optionally after `#`: a block of the best chain. */
  | { readonly kind: 'height'; readonly height: number }
  /** 64 hex digits, lowercased: tried as a post id, then a block hash, then a public key. */
  | { readonly kind: 'hash'; readonly hex: string }
  | { readonly kind: 'text'; readonly q: string };

const HEIGHT = /^#?(\d{1,15})$/;
const HASH = /^[0-9a-f]{64}$/i;

export function classifySearch(input: string): SearchTarget {
  const q = input.trim();
  const height = HEIGHT.exec(q)?.[1];
  if (height !== undefined && Number.isSafeInteger(Number(height)))
    return { kind: 'height', height: Number(height) };
  if (HASH.test(q)) return { kind: 'hash', hex: q.toLowerCase() };
  return { kind: 'text', q };
}

const notFound = (error: unknown): boolean => error instanceof ApiError && error.status === 404;

/**
 * The page a lookup lands on; undefined for a full-text search. A hash no post or block has is
 * taken as a key (its author page says when nobody posted with it). Network errors propagate.
 */
export async function searchDestination(
  target: SearchTarget,
  api: Pick<NodeApi, 'post' | 'block'>,
): Promise<string | undefined> {
  switch (target.kind) {
    case 'text':
      return undefined;
    case 'height':
      return `/block/${target.height}`;
    case 'hash': {
      const { hex } = target;
      try {
        await api.post(hex);
        return `/post/${hex}`;
      } catch (error) {
        if (!notFound(error)) throw error;
      }
      try {
        await api.block(hex);
        return `/block/${hex}`;
      } catch (error) {
        if (!notFound(error)) throw error;
      }
      return `/author/${hex}`;
    }
  }
}
