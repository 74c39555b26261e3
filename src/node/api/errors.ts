import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { httpStatus } from '../error-status.ts';
import { type AnyErrorCode, NodeError, NodeErrorCode } from '../errors.ts';
import { StampTooWeakError } from '../pool/stamp-error.ts';
import { QueryError } from '../store/queries.ts';

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: AnyErrorCode;
  message: string;
  /** POST_STAMP_TOO_WEAK only: the stamp work a post of that size needs now. */
  required_work?: number;
}

/** Answers a refusal with the status of its code (src/node/error-status.ts). */
export function sendError(reply: FastifyReply, code: AnyErrorCode, message: string) {
  return sendErrorWithStatus(reply, httpStatus(code), code, message);
}

/**
 * Answers a refusal with a status other than its code's. Only for a route with a reason of its
 * own, stated where it calls this (e.g. `/register_with` reporting a peer's failure as 502).
 */
export function sendErrorWithStatus(
  reply: FastifyReply,
  status: number,
  code: AnyErrorCode,
  message: string,
) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: code, message } satisfies ErrorBody);
}

// fastify's own client-error codes, mapped to ours (their statuses come from our table).
const FASTIFY_CODES: Record<string, NodeErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: NodeErrorCode.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: NodeErrorCode.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: NodeErrorCode.BAD_REQUEST,
  FST_ERR_CTP_EMPTY_JSON_BODY: NodeErrorCode.BAD_REQUEST,
  FST_ERR_CTP_INVALID_JSON_BODY: NodeErrorCode.BAD_REQUEST,
  FST_ERR_VALIDATION: NodeErrorCode.BAD_REQUEST,
};

/**
 * One error handler for every route: NodeErrors keep their code (and its status), fastify's
 * client errors get ours, malformed JSON is a 400; anything else is logged and answered 500
 * without internals (a bug, never something a client can cause on purpose).
 */
export function errorHandler(
  error: FastifyError | NodeError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof StampTooWeakError)
    return reply
      .code(httpStatus(error.code))
      .type('application/json; charset=utf-8')
      .send({
        error: error.code,
        message: error.message,
        required_work: error.requiredWork,
      } satisfies ErrorBody);
  if (error instanceof NodeError) return sendError(reply, error.code, error.message);
  if (error instanceof QueryError) return sendError(reply, error.code, error.message);
  const fastifyError = error as FastifyError;
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return sendError(reply, mapped, error.message);
  if (
    error instanceof SyntaxError ||
    (fastifyError.statusCode === 400 && fastifyError.message.includes('JSON'))
  ) {
    return sendError(reply, NodeErrorCode.BAD_REQUEST, `malformed JSON: ${error.message}`);
  }
  if (
    fastifyError.statusCode !== undefined &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    // Another client error fastify raised: its status says more than our generic BAD_REQUEST's.
    return sendErrorWithStatus(reply, fastifyError.statusCode, NodeErrorCode.BAD_REQUEST, error.message);
  }
  request.log.error({ err: error }, 'internal error');
  return sendError(reply, NodeErrorCode.INTERNAL, 'internal error; see the node log');
}
