import type { NetworkParams } from '../../core/params.ts';
import { NodeErrorCode } from '../errors.ts';

/** Bounds on a JSON text, checked on its raw characters before any object is built. */
export interface JsonLimits {
  /** Most `{` / `[` open at once. */
  readonly maxDepth: number;
  /** Most structural tokens: every `{`, `[`, `,` and `:` outside strings. */
  readonly maxElements: number;
}

export type JsonScan =
  | { readonly ok: true; readonly depth: number; readonly elements: number }
  | { readonly ok: false; readonly code: typeof NodeErrorCode.PAYLOAD_TOO_COMPLEX; readonly message: string };

/**
 * Most structural tokens of a block: the block object (`{`, 9 `:`, 8 `,`, `[`), plus per post
 * its object and at most 6 members (`{`, 6 `:`, 5 `,`) and the `,` between posts. Doubled, so
 * that the bound holds every valid block with room, and a body beyond it is never one.
 */
const BLOCK_TOKENS = 19;
const POST_TOKENS = 13;

/** Limits that every valid block of `params` fits (a block nests three deep: block, posts, post). */
export function blockJsonLimits(params: NetworkParams): JsonLimits {
  return { maxDepth: 8, maxElements: 2 * (BLOCK_TOKENS + POST_TOKENS * params.maxBlockPosts) };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One pass over a JSON text (bytes of UTF-8, or a string) counting nesting depth and structural
 * tokens outside strings; stops at the first limit passed. Multi-byte UTF-8 never contains bytes
 * below 0x80, so the ASCII tokens are found the same in bytes and in characters. Does not
 * validate the JSON: JSON.parse does that afterwards, on a text known to be small in structure.
 */
export function scanJson(text: Uint8Array | string, limits: JsonLimits): JsonScan {
  const isString = typeof text === 'string';
  const length = text.length;
  let depth = 0;
  let maxSeen = 0;
  let elements = 0;
  let inString = false;
  for (let i = 0; i < length; i++) {
    const c = isString ? (text as string).charCodeAt(i) : (text as Uint8Array)[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        break;
      case 0x7b: // {
      case 0x5b: // [
        depth++;
        elements++;
        if (depth > limits.maxDepth) {
          return tooComplex(`JSON nested deeper than ${limits.maxDepth} levels`);
        }
        if (depth > maxSeen) maxSeen = depth;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        depth--;
        break;
      case 0x2c: // ,
      case 0x3a: // :
        elements++;
        break;
      default:
        continue;
    }
    if (elements > limits.maxElements) {
      return tooComplex(`JSON holds more than ${limits.maxElements} elements`);
    }
  }
  return { ok: true, depth: maxSeen, elements };
}

function tooComplex(message: string): JsonScan {
  return { ok: false, code: NodeErrorCode.PAYLOAD_TOO_COMPLEX, message };
}

export type BoundedParse =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly code: typeof NodeErrorCode.PAYLOAD_TOO_COMPLEX | typeof NodeErrorCode.BAD_REQUEST;
      readonly message: string;
    };

/**
 * JSON.parse behind {@link scanJson}: for block bodies from anyone (`/add_block`, a peer's block
 * answers), so that a body of millions of `{}` is refused after reading a few hundred kB, not
 * after building millions of objects. Never throws.
 */
export function parseBoundedJson(text: Uint8Array | string, limits: JsonLimits): BoundedParse {
  const scan = scanJson(text, limits);
  if (!scan.ok) return scan;
  try {
    const source =
      typeof text === 'string'
        ? text
        : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8');
    return { ok: true, value: JSON.parse(source) };
  } catch (error) {
    return {
      ok: false,
      code: NodeErrorCode.BAD_REQUEST,
      message: `malformed JSON: ${(error as Error).message}`,
    };
  }
}
