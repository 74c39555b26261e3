// A mention is "@" and a name (§13.5 syntax) that no letter, digit or "_" precedes or follows:
// "mail@alice.example" mentions nobody, "(@alice)" mentions alice.
const MENTION = /(?<![A-Za-z0-9_])@([a-z0-9_]{3,20})(?![A-Za-z0-9_])/g;

/** Most distinct mentions read from one post. */
export const MAX_MENTIONS = 20;

/** The distinct names a text mentions, in order of first appearance, at most {@link MAX_MENTIONS}. */
export function mentionsOf(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(MENTION)) {
    const name = match[1]!;
    if (!names.includes(name)) names.push(name);
    if (names.length === MAX_MENTIONS) break;
  }
  return names;
}

// "@", FULLWIDTH COMMERCIAL AT and SMALL COMMERCIAL AT after any leading white space.
const HANDLE_LIKE = /^\s*[@\uFF20\uFE6B]/u;

/**
 * True when a free-text author would pass for a handle (§13.6): it begins, after white space,
 * with "@" or a look-alike. Node policy refuses such authors; clients never prefix an author
 * with "@" (a handle is shown only from the names a key holds).
 */
export function looksLikeHandle(author: string): boolean {
  return HANDLE_LIKE.test(author);
}
