/**
 * What a card says, after the social layer (docs/PROTOCOL.md §13.4): a deleted post says so and
 * hides its content, an edited one shows its latest version marked "edited" with the history a
 * click away, a repost or a quote links the post it is about.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { PostView } from '../api.ts';
import { shortHash } from '../lib/format.ts';
import { paths } from '../router.ts';
import { refreshSocial, socialOf, useSocialVersion } from '../state/social.ts';

/** Loads a confirmed post's social state once when its card appears. */
export function useSocial(view: PostView) {
  useSocialVersion();
  const social = socialOf(view);
  useEffect(() => {
    if (view.status === 'confirmed' && social === undefined) void refreshSocial(view.id);
  }, [view.id, view.status]);
  return social;
}

export function PostText({
  view,
  render,
}: {
  view: PostView;
  render: (content: string) => ComponentChildren;
}) {
  const social = useSocial(view);
  const [history, setHistory] = useState(false);
  const { post } = view;
  if (social?.deleted) {
    return (
      <p class="content deleted-note muted" data-testid="deleted">
        Deleted by its author.
      </p>
    );
  }
  const about =
    post.ref !== undefined && (post.kind === 'repost' || post.kind === 'quote') ? (
      <p class="in-reply-to">
        <span aria-hidden="true">{post.kind === 'repost' ? '⟳ ' : '❝ '}</span>
        {post.kind === 'repost' ? 'Reposted ' : 'Quoting '}
        <a href={paths.post(post.ref)}>post {shortHash(post.ref, 8, 0)}</a>
      </p>
    ) : null;
  if (post.kind === 'repost') return about;
  const edited = social?.latest_content !== undefined && social.latest_content !== post.content;
  const historyId = `history-${view.id.slice(0, 12)}`;
  return (
    <>
      {about}
      {render(edited ? social!.latest_content! : post.content)}
      {edited ? (
        <p class="edited-note">
          <span class="badge">Edited</span>{' '}
          <button
            type="button"
            class="link-button"
            aria-expanded={history}
            aria-controls={historyId}
            onClick={() => setHistory(!history)}
          >
            {history ? 'Hide the history' : 'Show the history'}
          </button>
        </p>
      ) : null}
      {edited && history ? (
        <ol id={historyId} class="edit-history" aria-label="Versions, oldest first">
          <li>
            <span class="muted">Original: </span>
            <span dir="auto">{post.content}</span>
          </li>
          {social!.history.map((version) => (
            <li key={version.id}>
              <span class="muted">Edit in block #{version.height}: </span>
              <span dir="auto">{version.content}</span>
            </li>
          ))}
        </ol>
      ) : null}
    </>
  );
}
