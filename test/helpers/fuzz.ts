/**
 * Seeded generators of hostile HTTP requests for the API fuzz test
 * (test/integration/api-fuzz.test.ts). Every request is built so that it cannot succeed in
 * changing the node's state: post-shaped bodies always carry an unknown field, peer addresses are
 * never well-formed URLs, handshakes never name the right genesis, and the mining routes are
 * left out. The test checks that claim by comparing the node's state before and after.
 */

/** mulberry32: a small seeded PRNG, so a failing run is replayed from its seed alone. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

export interface FuzzRequest {
  readonly method: string;
  /** Path and query string, already encoded as sent. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Field names a body of this route may hold (used to build near-miss bodies). */
  readonly fields?: readonly string[];
}

/**
 * The node's routes (src/node/api/*.ts, src/node/p2p/serve.ts), minus the two that mine
 * (GET /mine, POST /api/v1/mine: they would confirm nothing but are admin-only work) and the
 * event stream, which the test probes on its own (a stream never ends by itself).
 */
export const FUZZ_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/new_transaction', fields: ['author', 'content'] },
  { method: 'GET', path: '/chain' },
  { method: 'GET', path: '/pending_tx' },
  {
    method: 'POST',
    path: '/add_block',
    fields: [
      'index',
      'version',
      'previous_hash',
      'merkle_root',
      'timestamp',
      'bits',
      'nonce',
      'hash',
      'transactions',
    ],
  },
  { method: 'POST', path: '/register_node', fields: ['node_address'] },
  { method: 'POST', path: '/register_with', fields: ['node_address'] },
  { method: 'GET', path: '/api/v1/status' },
  { method: 'GET', path: '/api/v1/blocks' },
  { method: 'GET', path: '/api/v1/blocks/:id' },
  {
    method: 'POST',
    path: '/api/v1/posts',
    fields: ['author', 'content', 'timestamp', 'pubkey', 'signature', 'reply_to'],
  },
  { method: 'GET', path: '/api/v1/posts' },
  { method: 'GET', path: '/api/v1/posts/:id' },
  { method: 'GET', path: '/api/v1/pending' },
  {
    method: 'POST',
    path: '/p2p/handshake',
    fields: ['protocol', 'network', 'genesis', 'nonce', 'url', 'height', 'tip', 'chainwork', 'agent'],
  },
  { method: 'POST', path: '/p2p/headers', fields: ['locator', 'stop'] },
  { method: 'POST', path: '/p2p/blocks', fields: ['hashes'] },
  { method: 'GET', path: '/p2p/posts' },
  { method: 'POST', path: '/p2p/inv', fields: ['posts', 'blocks'] },
  { method: 'GET', path: '/p2p/addr' },
  { method: 'GET', path: '/p2p/status' },
  { method: 'POST', path: '/p2p/handshake/confirm', fields: ['signature'] },
  { method: 'GET', path: '/p2p/identify' },
  { method: 'POST', path: '/p2p/ping' },
  { method: 'GET', path: '/p2p/compact' },
  { method: 'POST', path: '/p2p/blocktxn', fields: ['hash', 'indexes'] },
  { method: 'GET', path: '/p2p/pending' },
  { method: 'GET', path: '/api/v1/policy' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/api/docs/openapi.json' },
  { method: 'GET', path: '/config.json' },
  { method: 'GET', path: '/' },
];

/** Paths no route serves: traversal, encodings, control characters, length. */
const STRANGE_PATHS = [
  '/nope',
  '/../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/api/v1/',
  '/api/v1/blocks/',
  '/api/v1/blocks/%00',
  '/api/v1/posts/%ff%fe',
  '/p2p/',
  '/p2p/status/extra',
  '/chain/',
  '//chain',
  '/%E2%80%AE',
  `/${'a'.repeat(3000)}`,
  '/new_transaction%00',
  '/api/v1/blocks/-1',
  '/api/v1/blocks/99999999999999999999999',
];

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

const STRINGS = [
  '',
  ' ',
  'a',
  '0',
  '-1',
  'null',
  'true',
  '1e400',
  'NaN',
  '\u0000',
  '\uFEFF',
  '\u202E',
  '\uD800',
  '\uDFFF',
  '😀'.repeat(50),
  'ア'.repeat(300),
  '<script>alert(1)</script>',
  "'; DROP TABLE posts; --",
  '%s%n%x',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'f'.repeat(64),
  '0'.repeat(64),
  'g'.repeat(64),
  'F'.repeat(64),
  'x'.repeat(70_000),
];

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 63),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e300,
];

/** Number literals JSON.stringify cannot produce: written into the body text as they are. */
const RAW_NUMBERS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890123456789',
  '0.0000000000000000000000000000000000001',
  '1E+2',
  '-0.0',
];

/** Values that are never a usable peer address (src/node/p2p/address.ts refuses each). */
const BAD_ADDRESSES: readonly unknown[] = [
  '',
  '   ',
  'not a url',
  'ftp://127.0.0.1:21',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'http://user:pass@127.0.0.1:1',
  'http://127.0.0.1:1/?q=1',
  'http://127.0.0.1:1/#frag',
  'http://[::1',
  `http://${'a'.repeat(300)}.example`,
  42,
  null,
  true,
  [],
  {},
  ['http://127.0.0.1:1'],
];

/** The key, inserted into every post-shaped body, that guarantees a refusal. */
export const FUZZ_UNKNOWN_FIELD = 'fuzz_unknown_field';

/** A random JSON value (as a JS value) of bounded size. */
export function jsonValue(rng: Rng, depth = 0): unknown {
  const kind = rng.int(depth > 3 ? 4 : 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(NUMBERS);
    case 3:
      return rng.pick(STRINGS);
    case 4: {
      const length = rng.int(5);
      return Array.from({ length }, () => jsonValue(rng, depth + 1));
    }
    default: {
      const object: Record<string, unknown> = {};
      for (let i = rng.int(5); i > 0; i--) object[rng.pick(STRINGS).slice(0, 20)] = jsonValue(rng, depth + 1);
      return object;
    }
  }
}

/** A near miss: the route's own field names with wrong, missing or hostile values. */
function nearMissObject(rng: Rng, route: Route): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const field of route.fields ?? []) {
    if (rng.chance(0.2)) continue; // missing field
    if (field === 'node_address') object[field] = rng.pick(BAD_ADDRESSES);
    else if (field === 'network') object[field] = rng.pick(['regtest', 'main', '', 7, null]);
    else if (field === 'genesis' || field === 'hash' || field === 'previous_hash' || field === 'tip') {
      object[field] = rng.pick(['0'.repeat(64), 'f'.repeat(64), 'zz', 12, null, 'g'.repeat(64)]);
    } else if (field === 'url') object[field] = rng.pick(BAD_ADDRESSES);
    else object[field] = jsonValue(rng);
  }
  // Post-shaped bodies are refused for the unknown field even if every other value were valid.
  if (route.fields?.includes('author') || rng.chance(0.5)) object[FUZZ_UNKNOWN_FIELD] = jsonValue(rng);
  if (rng.chance(0.1)) {
    // An own "__proto__" key, as JSON.parse would make it (assignment would set the prototype).
    Object.defineProperty(object, '__proto__', { value: { polluted: true }, enumerable: true });
  }
  return object;
}

/** `[[[[…]]]]` or `{"a":{"a":…}}` nested `depth` times. */
function deepNesting(rng: Rng): string {
  const depth = rng.pick([100, 1_000, 10_000, 100_000]);
  return rng.chance(0.5)
    ? '['.repeat(depth) + ']'.repeat(depth)
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Text that is almost JSON. */
function malformedJson(rng: Rng, route: Route): string {
  const valid = JSON.stringify(nearMissObject(rng, route));
  switch (rng.int(10)) {
    case 0:
      return valid.slice(0, Math.max(1, rng.int(valid.length)));
    case 1:
      return valid.replace(/}$/, ',}');
    case 2:
      return `\uFEFF${valid}`;
    case 3:
      return valid.replace(/"/g, "'");
    case 4:
      return `{"a":NaN,"b":Infinity,"c":undefined}`;
    case 5:
      return `${valid}${valid}`;
    case 6:
      return `{"author":"x","content":"y","author":1,"${FUZZ_UNKNOWN_FIELD}":${rng.pick(RAW_NUMBERS)}}`;
    case 7:
      return `{"n":${rng.pick(RAW_NUMBERS)},"${FUZZ_UNKNOWN_FIELD}":1}`;
    case 8:
      return '\u0000\u0001\u0002\xff\xfe';
    default:
      return '{"\\ud800":"\\udfff","\\u0000":1}';
  }
}

function body(rng: Rng, route: Route): string {
  const roll = rng.int(100);
  if (roll < 35) return JSON.stringify(nearMissObject(rng, route));
  if (roll < 55) {
    // Any JSON value; objects still carry the field that makes a post invalid.
    const value = jsonValue(rng);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      (value as Record<string, unknown>)[FUZZ_UNKNOWN_FIELD] = 1;
    }
    return JSON.stringify(value);
  }
  if (roll < 75) return malformedJson(rng, route);
  if (roll < 85) return deepNesting(rng);
  if (roll < 90) return '';
  if (roll < 93) {
    // A large body: near the limits of the JSON parser and the body-size cap.
    const size = rng.pick([100_000, 1_100_000, 2_200_000]);
    return `{"${FUZZ_UNKNOWN_FIELD}":"${'x'.repeat(size)}"}`;
  }
  if (roll < 96) return `[${Array.from({ length: 20_000 }, () => '{}').join(',')}]`;
  return Array.from({ length: rng.int(200) }, () => String.fromCharCode(rng.int(0x3000))).join('');
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/JSON',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/json, text/plain',
  '*/*',
  '',
];

const QUERY_KEYS = ['start', 'limit', 'ids', 'q', 'author', 'after', 'before', 'from', 'reply_to', 'x'];
const QUERY_VALUES = [
  '',
  '0',
  '-1',
  '1e400',
  'NaN',
  '99999999999999999999999',
  '0x10',
  '%00',
  '%ff',
  '%E2%80%AE',
  encodeURIComponent('😀'),
  'a'.repeat(5000),
  'f'.repeat(64),
  `${'f'.repeat(64)},${'0'.repeat(64)}`,
  Array.from({ length: 150 }, () => 'a'.repeat(64)).join(','),
];

function queryString(rng: Rng): string {
  if (rng.chance(0.5)) return '';
  const parts: string[] = [];
  for (let i = 1 + rng.int(4); i > 0; i--) parts.push(`${rng.pick(QUERY_KEYS)}=${rng.pick(QUERY_VALUES)}`);
  if (rng.chance(0.1)) parts.push('start[]=1', 'start[a]=2');
  return `?${parts.join('&')}`;
}

function concretePath(rng: Rng, path: string): string {
  return path.replace(/:id/, () =>
    rng.pick([
      '0',
      '-1',
      '1',
      '9007199254740993',
      'f'.repeat(64),
      '0'.repeat(63),
      'z'.repeat(64),
      encodeURIComponent('😀'),
      'a'.repeat(500),
      '%20',
    ]),
  );
}

/** Header values a hostile client sends: forged peers, bad tokens, odd accepts. */
function extraHeaders(rng: Rng): Record<string, string> {
  const headers: Record<string, string> = {};
  if (rng.chance(0.2)) {
    headers['x-yournet-peer'] = rng.pick([
      'http://127.0.0.1:1',
      'http://10.0.0.1:8000',
      'not a url',
      `http://${'a'.repeat(300)}`,
      '',
    ]);
  }
  if (rng.chance(0.1))
    headers.authorization = rng.pick([
      'Bearer ',
      'Bearer x',
      'Basic Zm9vOmJhcg==',
      `Bearer ${'a'.repeat(500)}`,
    ]);
  if (rng.chance(0.1)) headers.accept = rng.pick(['text/event-stream', 'application/xml', '*/*;q=0', '']);
  if (rng.chance(0.05)) headers.origin = rng.pick(['https://evil.example', 'null']);
  if (rng.chance(0.05)) headers['accept-encoding'] = rng.pick(['gzip', 'br', 'identity;q=0', 'x']);
  return headers;
}

/** One hostile request. */
export function fuzzRequest(rng: Rng): FuzzRequest {
  const strange = rng.chance(0.08);
  const route = rng.pick(FUZZ_ROUTES);
  const path = strange ? rng.pick(STRANGE_PATHS) : concretePath(rng, route.path);
  const method = rng.chance(0.75) ? route.method : rng.pick(METHODS);
  const headers = extraHeaders(rng);
  const hasBody = method !== 'GET' && method !== 'HEAD' && rng.chance(0.95);
  if (!hasBody) return { method, path: path + queryString(rng), headers };
  const contentType = rng.chance(0.7) ? 'application/json' : rng.pick(CONTENT_TYPES);
  if (contentType !== '') headers['content-type'] = contentType;
  return { method, path: path + queryString(rng), headers, body: body(rng, route) };
}

/** A short description of a request, for failure messages. */
export function describeRequest(request: FuzzRequest): string {
  const body =
    request.body === undefined ? '' : ` body(${request.body.length}): ${request.body.slice(0, 120)}`;
  return `${request.method} ${request.path.slice(0, 160)} ${JSON.stringify(request.headers)}${body}`;
}
