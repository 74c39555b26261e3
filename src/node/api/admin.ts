import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { NodeError, NodeErrorCode } from '../errors.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** True when the request comes from this machine. */
export function isLoopback(request: FastifyRequest): boolean {
  return LOOPBACK.test(request.socket.remoteAddress ?? '');
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Admin actions (mining) are allowed from loopback; from elsewhere they need
 * `Authorization: Bearer <token>` with the token in the data directory's `admin-token` file.
 */
export function requireAdmin(request: FastifyRequest, adminToken: string): void {
  if (isLoopback(request)) return;
  const header = request.headers.authorization;
  const token =
    typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  if (token === undefined) {
    throw new NodeError(NodeErrorCode.UNAUTHORIZED, 'admin actions from other machines need the admin token');
  }
  if (!tokenMatches(token, adminToken)) throw new NodeError(NodeErrorCode.FORBIDDEN, 'wrong admin token');
}
