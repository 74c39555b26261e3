/**
 * Post text with `@name` mentions (docs/PROTOCOL.md §13.5 syntax) linked to the person page (the
 * node resolves the name) and `#hashtags` linked to a search. Everything else stays plain text.
 */
import type { ComponentChildren } from 'preact';
import { paths } from '../router.ts';

// The §13.5 mention rule, and hashtags of letters, digits and "_" after a non-word character.
const TOKEN =
  /(?<![A-Za-z0-9_])@([a-z0-9_]{3,20})(?![A-Za-z0-9_])|(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_]{1,50})/gu;

export function RichText({ text }: { text: string }) {
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const at = match.index;
    if (at > last) parts.push(text.slice(last, at));
    const [whole, name, tag] = match;
    parts.push(
      name !== undefined ? (
        <a key={at} class="mention" href={paths.author(`@${name}`)}>
          {whole}
        </a>
      ) : (
        <a key={at} class="hashtag" href={paths.search(`#${tag}`)}>
          {whole}
        </a>
      ),
    );
    last = at + whole.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}
