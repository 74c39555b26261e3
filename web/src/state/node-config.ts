/** The node the server configured the app with (/config.json), '' for this page's origin. */

/** The `node` of a /config.json answer, without a trailing slash; '' when it names none. */
export function configuredNode(config: unknown): string {
  const node = (config as { node?: unknown } | null)?.node;
  return typeof node === 'string' ? node.replace(/\/+$/, '') : '';
}

export async function fetchConfiguredNode(): Promise<string> {
  try {
    const response = await fetch('/config.json', { cache: 'no-store', signal: AbortSignal.timeout(5000) });
    if (response.ok) return configuredNode(await response.json());
  } catch {
    // Served without a config: the node is this page's origin.
  }
  return '';
}
