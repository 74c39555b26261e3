/**
 * The data a served index.html carries for the app's first render (web/src/state/bootstrap.ts
 * reads it): the app's config, and when this server is the app's node, its status and the first
 * feed page. On a slow phone this takes the config → status/feed round trips off the first post
 * on screen: the posts are in the first render.
 *
 * It is a `<script type="application/json">` data block: never executed, so the CSP's
 * `script-src 'self'` stands. Post content is hostile: the JSON has every `<`, `>` and `&`
 * escaped as \uXXXX (still the same JSON to JSON.parse), so no content can end the element
 * (`</script>`), open a comment (`<!--`) or form markup.
 */

/** The id of the element the app looks for. */
export const BOOTSTRAP_ID = 'yournet-bootstrap';

export interface AppBootstrap {
  /** As /config.json answers: the node the app talks to, null for this server. */
  readonly config: { readonly node: string | null };
  /** GET /api/v1/status of this server, when it is the app's node. */
  readonly status?: unknown;
  /** The first feed page (GET /api/v1/posts?limit=50), on the feed's route. */
  readonly feed?: unknown;
}

const UNSAFE = /[<>&\u2028\u2029]/g;

/** JSON that can sit inside an HTML element: no character of it can start or end markup. */
export function htmlSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The data block for `data`. */
export function bootstrapElement(data: AppBootstrap): string {
  return `<script type="application/json" id="${BOOTSTRAP_ID}">${htmlSafeJson(data)}</script>`;
}

/**
 * index.html with the data block at the end of its body: after the head's script and style
 * links, so the browser starts fetching those before it has read a large feed page.
 */
export function withBootstrap(html: string, data: AppBootstrap): string {
  const element = bootstrapElement(data);
  const at = html.lastIndexOf('</body>');
  return at < 0 ? `${html}${element}` : `${html.slice(0, at)}${element}\n${html.slice(at)}`;
}
