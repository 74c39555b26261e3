import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { NodeError, NodeErrorCode } from '../errors.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Who counts as the operator: settings of the node (`--trust-proxy`) and its token. */
export interface AdminPolicy {
  /** The token in `<data>/admin-token`; `Authorization: Bearer <token>` proves the operator. */
  readonly adminToken: string;
  /**
   * Behind a reverse proxy every request comes from loopback, so loopback proves nothing: with
   * `trustProxy` only the token does (and request.ip is X-Forwarded-For's address).
   */
  readonly trustProxy: boolean;
}

/** True when the socket's peer is this machine (the socket's address, never a header). */
export function isLoopback(request: FastifyRequest): boolean {
  return LOOPBACK.test(request.socket.remoteAddress ?? '');
}

const LOCAL_HOST = /^(localhost|[^[\]]*\.localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * True when the request names this machine in its Host header. A page of another site that
 * re-resolves its own name to 127.0.0.1 (DNS rebinding) reaches the node from loopback with
 * the same origin as its Host, so loopback alone must not make it the operator: its Host still
 * names the other site.
 */
export function namesThisMachine(request: FastifyRequest): boolean {
  return LOCAL_HOST.test(request.host ?? '');
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/**
 * True when a browser sent the request from a page of another origin: its `Origin` header names
 * another host than the one it asked (`null` from sandboxed pages included). Clients that are
 * not browsers send no Origin, and the node's own web app sends its own.
 */
export function isCrossOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    const page = new URL(origin);
    // Both through URL, so a default port is spelled the same way on each side.
    return page.host !== new URL(`${page.protocol}//${request.host}`).host;
  } catch {
    return true;
  }
}

/**
 * True when the request proves the operator: loopback with a Host naming this machine (without
 * --trust-proxy), or the token.
 */
export function isAdmin(request: FastifyRequest, policy: AdminPolicy): boolean {
  if (!policy.trustProxy && isLoopback(request) && namesThisMachine(request)) return true;
  const token = bearerToken(request);
  return token !== undefined && tokenMatches(token, policy.adminToken);
}

/** Refuses, 403, a browser request from another origin: it may post and read, nothing more. */
export function refuseCrossOrigin(request: FastifyRequest, what: string): void {
  if (isCrossOrigin(request)) {
    throw new NodeError(
      NodeErrorCode.CROSS_ORIGIN_FORBIDDEN,
      `${what} is refused to browser pages of another origin`,
    );
  }
}

/**
 * Admin actions (register_with, peer management, configuration): never from a page of another
 * origin; otherwise from loopback naming this machine (unless --trust-proxy) or with the token.
 */
export function requireAdmin(request: FastifyRequest, policy: AdminPolicy): void {
  refuseCrossOrigin(request, 'an admin action');
  if (isAdmin(request, policy)) return;
  if (bearerToken(request) === undefined) {
    throw new NodeError(
      NodeErrorCode.UNAUTHORIZED,
      policy.trustProxy
        ? 'admin actions need the admin token (the node runs behind a proxy)'
        : isLoopback(request)
          ? 'admin actions addressed to another host name than this machine need the admin token'
          : 'admin actions from other machines need the admin token',
    );
  }
  throw new NodeError(NodeErrorCode.FORBIDDEN, 'wrong admin token');
}
