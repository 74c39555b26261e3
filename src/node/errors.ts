import type { ErrorCode } from '../core/errors.ts';

/** Error codes of the node itself (the protocol's own codes are in src/core/errors.ts). */
export const NodeErrorCode = {
  POOL_FULL: 'POOL_FULL',
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  NOTHING_TO_MINE: 'NOTHING_TO_MINE',
  MINING_FAILED: 'MINING_FAILED',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  INTERNAL: 'INTERNAL',
} as const;

export type NodeErrorCode = (typeof NodeErrorCode)[keyof typeof NodeErrorCode];

/** Any code an answer of the node can carry. */
export type AnyErrorCode = ErrorCode | NodeErrorCode;

/** A refusal with a stable code, a human message and the HTTP status it maps to. */
export class NodeError extends Error {
  constructor(
    readonly code: AnyErrorCode,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}
