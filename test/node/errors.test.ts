import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { ErrorCode } from '#core/errors.ts';
import { errorHandler, sendError, sendErrorWithStatus } from '#node/api/errors.ts';
import { HTTP_STATUS, httpStatus, isAnyErrorCode } from '#node/error-status.ts';
import { type AnyErrorCode, NodeError, NodeErrorCode } from '#node/errors.ts';
import { P2PErrorCode, PeerError } from '#node/p2p/errors.ts';
import { MISBEHAVIOUR_POINTS } from '#node/p2p/misbehaviour.ts';

/** Every code of the system, from the three lists that define them. */
const ALL_CODES: AnyErrorCode[] = [
  ...Object.values(ErrorCode),
  ...Object.values(NodeErrorCode),
  ...Object.values(P2PErrorCode),
];

describe('error codes of the whole system', () => {
  it('are distinct across core, node and p2p', () => {
    assert.equal(new Set(ALL_CODES).size, ALL_CODES.length);
  });

  it('the node and p2p codes are their own stable strings', () => {
    for (const [key, value] of Object.entries(NodeErrorCode)) assert.equal(value, key);
    for (const [key, value] of Object.entries(P2PErrorCode)) assert.equal(value, `P2P_${key}`);
  });

  it('both tables hold every code and nothing else', () => {
    const codes = [...ALL_CODES].sort();
    assert.deepEqual(Object.keys(HTTP_STATUS).sort(), codes);
    assert.deepEqual(Object.keys(MISBEHAVIOUR_POINTS).sort(), codes);
  });

  it('isAnyErrorCode recognises every code and only those', () => {
    for (const code of ALL_CODES) assert.ok(isAnyErrorCode(code), code);
    for (const other of ['ORPHAN', 'BLOCK_SOMETHING_NEW', 'toString', '__proto__', '', 'p2p_self']) {
      assert.equal(isAnyErrorCode(other), false, other);
    }
  });
});

describe('HTTP status table', () => {
  it('every status is an HTTP status', () => {
    for (const code of ALL_CODES) {
      const status = httpStatus(code);
      assert.ok(Number.isInteger(status) && status >= 200 && status <= 599, `${code}: ${status}`);
    }
  });

  it('pins the statuses the API answers today', () => {
    const pinned: [AnyErrorCode, number][] = [
      [ErrorCode.POST_BAD_SIGNATURE, 400],
      [ErrorCode.POST_UNSIGNED_REFUSED, 400],
      [ErrorCode.POST_DUPLICATE, 409],
      [ErrorCode.POST_ALREADY_CONFIRMED, 409],
      [NodeErrorCode.POOL_FULL, 503],
      [NodeErrorCode.MINING_FAILED, 503],
      [NodeErrorCode.NOT_FOUND, 404],
      [NodeErrorCode.UNAUTHORIZED, 401],
      [NodeErrorCode.FORBIDDEN, 403],
      [NodeErrorCode.PAYLOAD_TOO_LARGE, 413],
      [NodeErrorCode.UNSUPPORTED_MEDIA_TYPE, 415],
      [NodeErrorCode.BAD_REQUEST, 400],
      [NodeErrorCode.INTERNAL, 500],
      [P2PErrorCode.RATE_LIMITED, 429],
      [P2PErrorCode.DISCOURAGED, 403],
      [P2PErrorCode.TOO_MANY_PEERS, 503],
      [P2PErrorCode.WRONG_NETWORK, 400],
      [P2PErrorCode.SELF, 400],
      [P2PErrorCode.BAD_MESSAGE, 400],
    ];
    for (const [code, status] of pinned) assert.equal(httpStatus(code), status, code);
  });

  it('a rejected block is 400 whatever its code (/add_block answers the table)', () => {
    for (const code of Object.values(ErrorCode)) {
      if (code === ErrorCode.POST_DUPLICATE || code === ErrorCode.POST_ALREADY_CONFIRMED) continue;
      assert.equal(httpStatus(code), 400, code);
    }
  });

  it('NodeError takes its status from the table', () => {
    for (const code of ALL_CODES) assert.equal(new NodeError(code, 'x').status, HTTP_STATUS[code], code);
  });

  it('PeerError carries a typed code', () => {
    const error = new PeerError(P2PErrorCode.TIMEOUT, 'slow');
    assert.equal(error.code, 'P2P_TIMEOUT');
    assert.equal(error.scored, false);
  });
});

describe('the error handler', () => {
  let app: FastifyInstance;

  before(async () => {
    app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler);
    app.get('/node-error/:code', async (request) => {
      throw new NodeError((request.params as { code: AnyErrorCode }).code, 'refused');
    });
    app.get('/send/:code', async (request, reply) =>
      sendError(reply, (request.params as { code: AnyErrorCode }).code, 'refused'),
    );
    app.get('/gateway', async (_request, reply) =>
      sendErrorWithStatus(reply, 502, P2PErrorCode.DISCOURAGED, 'the peer refused'),
    );
    app.get('/bug', async () => {
      throw new TypeError('a bug');
    });
    app.get('/fastify-4xx', async () => {
      throw Object.assign(new Error('method not allowed here'), { statusCode: 405 });
    });
    app.post('/echo', { bodyLimit: 16 }, async (request) => request.body);
    await app.ready();
  });
  after(() => app.close());

  it('answers a NodeError with its code, its message and the status of its code', async () => {
    for (const code of ALL_CODES) {
      if (HTTP_STATUS[code] < 400) continue; // not refusals: never thrown
      const response = await app.inject({ method: 'GET', url: `/node-error/${code}` });
      assert.equal(response.statusCode, HTTP_STATUS[code], code);
      assert.match(response.headers['content-type'] as string, /^application\/json; charset=utf-8/);
      assert.deepEqual(response.json(), { error: code, message: 'refused' });
    }
  });

  it('sendError uses the table; sendErrorWithStatus keeps the route’s own status', async () => {
    const full = await app.inject({ method: 'GET', url: '/send/POOL_FULL' });
    assert.equal(full.statusCode, 503);
    assert.deepEqual(full.json(), { error: 'POOL_FULL', message: 'refused' });
    const gateway = await app.inject({ method: 'GET', url: '/gateway' });
    assert.equal(gateway.statusCode, 502);
    assert.equal(gateway.json().error, 'P2P_DISCOURAGED');
  });

  it("maps fastify's client errors to our codes and their statuses", async () => {
    const huge = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'x'.repeat(100) }),
    });
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().error, 'PAYLOAD_TOO_LARGE');
    const text = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'text/x-unknown' },
      payload: 'hi',
    });
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().error, 'UNSUPPORTED_MEDIA_TYPE');
    const malformed = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error, 'BAD_REQUEST');
  });

  it('passes another fastify 4xx through with its status, as BAD_REQUEST', async () => {
    const response = await app.inject({ method: 'GET', url: '/fastify-4xx' });
    assert.equal(response.statusCode, 405);
    assert.deepEqual(response.json(), { error: 'BAD_REQUEST', message: 'method not allowed here' });
  });

  it('answers anything else 500 INTERNAL without internals', async () => {
    const response = await app.inject({ method: 'GET', url: '/bug' });
    assert.equal(response.statusCode, 500);
    assert.equal(response.json().error, 'INTERNAL');
    assert.doesNotMatch(response.body, /a bug/);
  });
});
