import { ErrorCode } from '../../core/errors.ts';
import type { Post } from '../../core/post.ts';
import { isKnownKind, looksLikeHandle } from '../../core/social/index.ts';
import { NodeError } from '../errors.ts';

/**
 * The pool's social policy (docs/PROTOCOL.md §13.1, §13.6): no author that passes for a handle,
 * no kind this node does not know. Policy only: blocks holding either stay valid.
 */
export function socialPolicyError(post: Post): NodeError | undefined {
  if (looksLikeHandle(post.author))
    return new NodeError(
      ErrorCode.POST_AUTHOR_HANDLE_LIKE,
      'an author may not begin with "@": handles come only from claimed names',
    );
  if (post.kind !== undefined && !isKnownKind(post.kind))
    return new NodeError(ErrorCode.POST_UNKNOWN_KIND, `this node does not relay the kind "${post.kind}"`);
  return undefined;
}
