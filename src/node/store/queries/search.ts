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

function literal(term: string): string {
  const quoted = `"${term.replaceAll('"', '""')}"`;
  let chars = 0;
  for (const char of term) if (TOKEN_CHAR.test(char)) chars++;
  return chars >= PREFIX_MIN_CHARS ? `${quoted}*` : quoted;
}

/**
 * Turns what a user typed into a safe FTS5 query: each whitespace-separated term becomes a
 * string literal (inner double quotes doubled), so operators, column filters, `*`, `NEAR(`,
 * `-` and parentheses lose their meaning; the literal is then a prefix query (`"term"*`) when
 * the term is long enough ({@link PREFIX_MIN_CHARS}); the terms are ANDed. Terms without any
 * token character are dropped (they would match nothing); returns undefined when none remains.
 * Throws BAD_REQUEST for an empty or too long query.
 */
export function ftsQuery(q: string): string | undefined {
  if (typeof q !== 'string') throw badRequest('the search must be a string');
  if (q.length > QUERY_LIMITS.searchMaxChars) {
    throw badRequest(`the search is longer than ${QUERY_LIMITS.searchMaxChars} characters`);
  }
  const terms = q.split(TERM_SEPARATOR).filter((term) => term.length > 0);
  if (terms.length === 0) throw badRequest('the search is empty');
  if (terms.length > QUERY_LIMITS.searchMaxTerms) {
    throw badRequest(`the search has more than ${QUERY_LIMITS.searchMaxTerms} terms`);
  }
  const literals = terms.filter((term) => TOKEN_CHAR.test(term)).map(literal);
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
