import { ErrorCode } from '../../core/errors.ts';
import { NodeError } from '../errors.ts';

/**
 * POST_STAMP_TOO_WEAK (docs/PROTOCOL.md §12.4): the post is valid but its stamp buys too little
 * room in this pool now. `requiredWork` is the stamp work (expected hashes) a post of its size
 * needs, answered in the error body as `required_work` so that a client can grind for it.
 */
export class StampTooWeakError extends NodeError {
  constructor(
    readonly requiredWork: number,
    readonly bytes: number,
    message: string,
  ) {
    super(ErrorCode.POST_STAMP_TOO_WEAK, message);
  }
}
