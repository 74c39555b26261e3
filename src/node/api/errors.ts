import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type AnyErrorCode, NodeError, NodeErrorCode } from '../errors.ts';
import { QueryError } from '../store/queries.ts';

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: AnyErrorCode | string;
  message: string;
}

export function sendError(reply: FastifyReply, status: number, code: AnyErrorCode | string, message: string) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: code, message } satisfies ErrorBody);
}

// fastify's own client-error codes, mapped to ours.
const FASTIFY_CODES: Record<string, { status: number; code: NodeErrorCode }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: NodeErrorCode.PAYLOAD_TOO_LARGE },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: NodeErrorCode.UNSUPPORTED_MEDIA_TYPE },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: NodeErrorCode.BAD_REQUEST },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: NodeErrorCode.BAD_REQUEST },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: NodeErrorCode.BAD_REQUEST },
  FST_ERR_VALIDATION: { status: 400, code: NodeErrorCode.BAD_REQUEST },
};

/**
 * One error handler for every route: NodeErrors keep their code and status, fastify's client
 * errors get ours, malformed JSON is a 400; anything else is logged and answered 500 without
 * internals (a bug, never something a client can cause on purpose).
 */
export function errorHandler(
  error: FastifyError | NodeError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof NodeError) return sendError(reply, error.status, error.code, error.message);
  if (error instanceof QueryError) return sendError(reply, 400, error.code, error.message);
  const fastifyError = error as FastifyError;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return sendError(reply, mapped.status, mapped.code, error.message);
  if (
    error instanceof SyntaxError ||
    (fastifyError.statusCode === 400 && fastifyError.message.includes('JSON'))
  ) {
    return sendError(reply, 400, NodeErrorCode.BAD_REQUEST, `malformed JSON: ${error.message}`);
  }
  if (
    fastifyError.statusCode !== undefined &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return sendError(reply, fastifyError.statusCode, NodeErrorCode.BAD_REQUEST, error.message);
  }
  request.log.error({ err: error }, 'internal error');
  return sendError(reply, 500, NodeErrorCode.INTERNAL, 'internal error; see the node log');
}
