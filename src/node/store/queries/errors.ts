import { NodeErrorCode } from '../../errors.ts';

/**
 * A read query refused its arguments (a limit, cursor or search out of range). The store
 * chooses no HTTP status: the API's error handler answers it as a client error with its code
 * (src/node/api/errors.ts).
 */
export class QueryError extends Error {
  override name = 'QueryError';
  readonly code = NodeErrorCode.BAD_REQUEST;
}
