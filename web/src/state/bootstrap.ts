/**
 * The data the node put into the page it served (src/node/api/app-bootstrap.ts): the app's
 * config, and when that node is the app's, its status and first feed page, so the first render
 * already shows posts. Absent (the dev server), unreadable or of an unexpected shape (a page an
 * older build cached), the app fetches as before.
 */
import type { NodeStatus, Page, PostView } from '../api.ts';

export const BOOTSTRAP_ID = 'yournet-bootstrap';

export interface Bootstrap {
  /** As /config.json answers. */
  readonly config: unknown;
  readonly status?: NodeStatus;
  readonly feed?: Page<PostView>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isStatus(value: unknown): value is NodeStatus {
  return (
    isObject(value) &&
    typeof value.network === 'string' &&
    typeof value.height === 'number' &&
    isObject(value.pending) &&
    typeof value.pending.count === 'number'
  );
}

function isFeedPage(value: unknown): value is Page<PostView> {
  if (!isObject(value) || !Array.isArray(value.items)) return false;
  if (value.next !== undefined && typeof value.next !== 'number') return false;
  return value.items.every(
    (item: unknown) =>
      isObject(item) && typeof item.id === 'string' && typeof item.status === 'string' && isObject(item.post),
  );
}

/** The checked data of a data block's text; undefined when it is none of ours. */
export function parseBootstrap(text: string | null | undefined): Bootstrap | undefined {
  if (!text) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(data) || !isObject(data.config)) return undefined;
  return {
    config: data.config,
    ...(isStatus(data.status) ? { status: data.status } : {}),
    ...(isFeedPage(data.feed) ? { feed: data.feed } : {}),
  };
}

/** What readBootstrap needs of the document (kept structural: test/web runs without the DOM). */
interface Lookup {
  getElementById(id: string): { readonly textContent: string | null } | null;
}

/** The page's data block, read once at start. */
export function readBootstrap(doc: Lookup): Bootstrap | undefined {
  return parseBootstrap(doc.getElementById(BOOTSTRAP_ID)?.textContent);
}
