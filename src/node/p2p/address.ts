import { isIP } from 'node:net';

/** Peer addresses: canonical base URLs and the outbound policy (docs/PROTOCOL.md §11.2). */

export type AddressResult = { ok: true; url: string } | { ok: false; message: string };

const MAX_ADDRESS_LENGTH = 256;

/**
 * Canonicalises a peer's base URL: http or https only; no credentials, path, query or fragment;
 * lowercase host; default port dropped. IPv4 in any spelling the URL parser accepts
 * (`0x7f000001`, `2130706433`, `127.1`) becomes dotted decimal, and an IPv4-mapped IPv6 address
 * (`[::ffff:127.0.0.1]`) becomes its IPv4 address, so the policy below decides on the real IP.
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
    return { ok: false, message: 'node_address is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: 'only http and https peers are supported' };
  }
  if (url.username !== '' || url.password !== '')
    return { ok: false, message: 'peer URLs may not hold credentials' };
  if (url.search !== '' || url.hash !== '' || input.includes('?') || input.includes('#'))
    return { ok: false, message: 'peer URLs may not hold a query or fragment' };
  if (url.pathname !== '/' && url.pathname !== '')
    return { ok: false, message: 'a peer URL is a base URL such as "http://host:port", without a path' };
  const mapped = mappedIPv4(url.hostname);
  const host = mapped ?? url.hostname;
  const port = url.port === '' ? '' : `:${url.port}`;
  return { ok: true, url: `${url.protocol}//${host}${port}` };
}

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 literal (`[::ffff:7f00:1]`). */
function mappedIPv4(hostname: string): string | undefined {
  const match = /^\[::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})\]$/.exec(hostname);
  if (match === null) return undefined;
  const high = Number.parseInt(match[1]!, 16);
  const low = Number.parseInt(match[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** The host of a canonical peer URL, without IPv6 brackets. */
export function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

/** The host:port of a canonical peer URL (what discouragement of a URL covers). */
export function endpointOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port}`;
}

function ipv4Parts(ip: string): number[] | undefined {
  if (isIP(ip) !== 4) return undefined;
  return ip.split('.').map(Number);
}

/**
 * Whether a host is loopback, private, link-local, unspecified or otherwise not a public
 * internet address (RFC 1918, RFC 6598, RFC 4193, RFC 4291); `localhost` names count as loopback.
 */
export function isNonPublicHost(hostInput: string): boolean {
  const host = hostInput.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v4 = ipv4Parts(host);
  if (v4 !== undefined) {
    const [a, b] = v4 as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (isIP(host) === 6) {
    if (host === '::' || host === '::1') return true;
    const mapped = mappedIPv4(`[${host}]`);
    if (mapped !== undefined) return isNonPublicHost(mapped);
    return /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || /^ff/.test(host);
  }
  return false; // a DNS name: checked again on its resolved addresses before connecting
}

/** Whether an IP address is loopback (never discouraged by address: several local nodes share it). */
export function isLoopback(ip: string): boolean {
  const plain = ip.replace(/^::ffff:/i, '');
  return plain === '::1' || plain.startsWith('127.');
}

/** The outbound policy: may this node send requests to `url`? */
export function checkOutbound(url: string, allowPrivate: boolean): AddressResult {
  const normal = normalizePeerAddress(url);
  if (!normal.ok) return normal;
  if (!allowPrivate && isNonPublicHost(hostOf(normal.url))) {
    return {
      ok: false,
      message:
        'loopback, private and link-local peers are refused (regtest or --allow-private-peers allows them)',
    };
  }
  return normal;
}

/**
 * The address group of an IP (Bitcoin's netgroup, simplified): /16 for IPv4, /32 for IPv6,
 * one group for loopback. Eviction keeps peers from diverse groups.
 */
export function addressGroup(ip: string): string {
  const plain = ip.replace(/^::ffff:/, '');
  const v4 = ipv4Parts(plain);
  if (v4 !== undefined) return v4[0] === 127 ? 'local' : `${v4[0]}.${v4[1]}`;
  if (plain === '::1') return 'local';
  return plain.split(':').slice(0, 2).join(':');
}
