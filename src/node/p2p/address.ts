/** Peer addresses: parsing and normalisation (docs/ARCHITECTURE.md "Peers"). */

export type AddressResult = { ok: true; url: string } | { ok: false; message: string };

const MAX_ADDRESS_LENGTH = 256;

/**
 * Normalises a peer's base URL: http or https only, no credentials, query or fragment; lowercase
 * host (the URL parser does that), default port dropped, no trailing slash.
 */
export function normalizePeerAddress(input: unknown): AddressResult {
  if (typeof input !== 'string' || input.trim() === '') {
    return { ok: false, message: 'node_address must be a non-empty string such as "http://127.0.0.1:8000"' };
  }
  if (input.length > MAX_ADDRESS_LENGTH) return { ok: false, message: 'node_address is too long' };
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, message: `"${input.slice(0, 80)}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: 'only http and https peers are supported' };
  }
  if (url.username !== '' || url.password !== '')
    return { ok: false, message: 'peer URLs may not hold credentials' };
  if (url.search !== '' || url.hash !== '')
    return { ok: false, message: 'peer URLs may not hold a query or fragment' };
  const path = url.pathname.replace(/\/+$/, '');
  return { ok: true, url: `${url.protocol}//${url.host}${path}` };
}
