import type { Statement } from 'better-sqlite3';
import type { Db } from '../database.ts';
import { badRequest, QUERY_LIMITS } from './limits.ts';

/** Characters the default FTS5 tokenizer (unicode61) keeps in tokens: letters, digits, private use. */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;
/** Term separators: whitespace and control characters (a NUL would end an FTS5 string early). */
const TERM_SEPARATOR = /[\s\p{Cc}]+/u;

/**
 * A term with at least this many token characters matches as a prefix (`"zeb"*` finds
 * "zebras"): search as you type. A one-character prefix would walk a large part of the index
 * for little meaning, so shorter terms match whole tokens only.
 */
export const PREFIX_MIN_CHARS = 2;

/** A term that is one token of the default tokenizer as typed, once lowercased: ASCII letters and digits. */
const ASCII_TOKEN = /^[A-Za-z0-9]+$/;

/**
 * Whether the index holds a token that starts with `token` and is longer: when it does not, the
 * prefix query of `token` matches exactly what the token matches.
 */
export type TokenExtended = (token: string) => boolean;

function literal(term: string, extended: TokenExtended | undefined): string {
  const quoted = `"${term.replaceAll('"', '""')}"`;
  let chars = 0;
  for (const char of term) if (TOKEN_CHAR.test(char)) chars++;
  if (chars < PREFIX_MIN_CHARS) return quoted;
  // FTS5 answers a prefix query by merging the whole posting lists of every token it matches
  // before returning the first row (a common word: every post that holds it), while a whole
  // token is read lazily, newest first, as far as the page needs. So a term no longer token
  // extends is asked as a whole token: the same rows, a bounded read.
  if (extended !== undefined && ASCII_TOKEN.test(term) && !extended(term.toLowerCase())) return quoted;
  return `${quoted}*`;
}

/**
 * Turns what a user typed into a safe FTS5 query: each whitespace-separated term becomes a
 * string literal (inner double quotes doubled), so operators, column filters, `*`, `NEAR(`,
 * `-` and parentheses lose their meaning; the literal is then a prefix query (`"term"*`) when
 * the term is long enough ({@link PREFIX_MIN_CHARS}); the terms are ANDed. Terms without any
 * token character are dropped (they would match nothing); returns undefined when none remains.
 * Throws BAD_REQUEST for an empty or too long query. With `extended`, a term that no longer
 * indexed token extends is a whole-token literal instead (same matches, see literal()).
 */
export function ftsQuery(q: string, extended?: TokenExtended): string | undefined {
  if (typeof q !== 'string') throw badRequest('the search must be a string');
  if (q.length > QUERY_LIMITS.searchMaxChars) {
    throw badRequest(`the search is longer than ${QUERY_LIMITS.searchMaxChars} characters`);
  }
  const terms = q.split(TERM_SEPARATOR).filter((term) => term.length > 0);
  if (terms.length === 0) throw badRequest('the search is empty');
  if (terms.length > QUERY_LIMITS.searchMaxTerms) {
    throw badRequest(`the search has more than ${QUERY_LIMITS.searchMaxTerms} terms`);
  }
  const literals = terms.filter((term) => TOKEN_CHAR.test(term)).map((term) => literal(term, extended));
  return literals.length === 0 ? undefined : literals.join(' AND ');
}

/** Runs a statement that may use FTS5: a refusal by FTS5 is the client's search, never a 500. */
export function runSearch<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    // The query is built from quoted literals, so this should not happen.
    if (error instanceof Error && error.name === 'SqliteError') {
      throw badRequest(`the search could not be run: ${error.message}`);
    }
    throw error;
  }
}

/** Tokens whose extension answers the cache holds at most (then it starts again). */
const EXTENDED_CACHE_SIZE = 4096;

/**
 * Answers {@link TokenExtended} from the token list of the full-text index (an fts5vocab table
 * in the connection's temp schema: nothing is stored). The vocabulary reads only the tokens
 * after the asked one, up to the first longer one. Answers are cached until the index grows
 * (its high-water mark moves), when a new token may extend an old one.
 */
export class IndexedTokens {
  private readonly nextStmt: Statement<[string, string], string>;
  private readonly cache = new Map<string, boolean>();
  private cachedMark: number | undefined;

  constructor(
    db: Db,
    /** The index's high-water mark (SearchIndex.indexedSeq). */
    private readonly indexedSeq: () => number | undefined,
  ) {
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.posts_fts_tokens USING fts5vocab(main, posts_fts, row)');
    this.nextStmt = db
      .prepare('SELECT term FROM temp.posts_fts_tokens WHERE term >= ? AND term < ? LIMIT 1')
      .pluck() as unknown as Statement<[string, string], string>;
  }

  /** Whether a longer indexed token starts with the ASCII `token` (lowercase letters, digits). */
  readonly extended: TokenExtended = (token) => {
    const mark = this.indexedSeq();
    if (mark !== this.cachedMark || this.cache.size >= EXTENDED_CACHE_SIZE) {
      this.cache.clear();
      this.cachedMark = mark;
    }
    let answer = this.cache.get(token);
    if (answer === undefined) {
      // Tokens never hold control characters: token + U+0001 is the first string after the
      // token itself (whose posting list is then not read); the bound is the next prefix.
      const bound = token.slice(0, -1) + String.fromCharCode(token.charCodeAt(token.length - 1) + 1);
      answer = this.nextStmt.get(`${token}\u0001`, bound) !== undefined;
      this.cache.set(token, answer);
    }
    return answer;
  };
}
