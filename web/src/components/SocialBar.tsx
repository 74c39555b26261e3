/**
 * The social actions under a card (docs/PROTOCOL.md §13): reactions with their counts and a small
 * emoji picker, Repost and Quote with counts, and Edit and Delete on one's own posts. Every action
 * is a signed post (state/social-actions.ts) and shows as pending until a block confirms it.
 * Bookmark and Mute author stay in this browser (state/local-lists.ts).
 */
import { useState } from 'preact/hooks';
import type { PostView } from '../api.ts';
import { isBookmarked, muteTarget, setBookmarked, setMuted, useLocalLists } from '../state/local-lists.ts';
import { pendingActions, type SocialKind } from '../state/social.ts';
import type { ActionResult } from '../state/social-actions.ts';
import { useStore } from '../store.ts';
import { useSocial } from './PostText.tsx';

/** The picker's choices: a few common ones (any single emoji is valid on chain, §13.3). */
export const REACTIONS = [
  { emoji: '👍', label: 'Thumbs up' },
  { emoji: '❤️', label: 'Heart' },
  { emoji: '😂', label: 'Laughing' },
  { emoji: '🎉', label: 'Party' },
  { emoji: '🤔', label: 'Thinking' },
] as const;

const LABELS: Record<string, string> = Object.fromEntries(REACTIONS.map((r) => [r.emoji, r.label]));

type Open = 'none' | 'react' | 'quote' | 'edit' | 'delete';

export default function SocialBar({ view }: { view: PostView }) {
  const social = useSocial(view);
  useLocalLists();
  const { identity } = useStore();
  const [open, setOpen] = useState<Open>('none');
  const [text, setText] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const { post } = view;
  if (social?.deleted || post.kind === 'repost') return null;
  const mine = identity !== undefined && view.signed && post.pubkey === identity.publicKey;
  const editable = mine && (post.kind === undefined || post.kind === 'quote');
  const waiting = pendingActions().filter((action) => action.ref === view.id);
  const reactions = Object.entries(social?.reactions ?? {}).filter(([, count]) => count > 0);

  const act = async (kind: SocialKind, content: string) => {
    setBusy(true);
    // The signing code loads on the first action, not with every card.
    const { sendAction } = await import('../state/social-actions.ts');
    const result: ActionResult = await sendAction(kind, content, view.id);
    setBusy(false);
    if (!result.ok) {
      setMessage(result.message);
      return;
    }
    setOpen('none');
    setText('');
    setMessage('');
  };
  const toggle = (which: Open, initial = '') => {
    setOpen(open === which ? 'none' : which);
    setText(initial);
    setMessage('');
  };
  const formId = `social-form-${view.id.slice(0, 12)}`;

  return (
    <div class="social-bar" data-testid="social-bar">
      <div class="social-buttons">
        {reactions.map(([emoji, count]) => (
          <button
            type="button"
            key={emoji}
            class="reaction-count"
            disabled={busy}
            aria-label={`${LABELS[emoji] ?? emoji}: ${count} ${count === 1 ? 'reaction' : 'reactions'}. React with it`}
            onClick={() => void act('react', emoji)}
          >
            <span aria-hidden="true">{emoji}</span> {count}
          </button>
        ))}
        <button
          type="button"
          class="link-button"
          aria-expanded={open === 'react'}
          aria-controls={formId}
          onClick={() => toggle('react')}
        >
          React
        </button>
        <button
          type="button"
          class="link-button"
          disabled={busy}
          onClick={() => void act('repost', 'repost')}
        >
          Repost{social && social.reposts > 0 ? ` (${social.reposts})` : ''}
        </button>
        <button
          type="button"
          class="link-button"
          aria-expanded={open === 'quote'}
          aria-controls={formId}
          onClick={() => toggle('quote')}
        >
          Quote{social && social.quotes > 0 ? ` (${social.quotes})` : ''}
        </button>
        {editable ? (
          <button
            type="button"
            class="link-button"
            aria-expanded={open === 'edit'}
            aria-controls={formId}
            onClick={() => toggle('edit', social?.latest_content ?? post.content)}
          >
            Edit
          </button>
        ) : null}
        <button
          type="button"
          class="link-button"
          aria-pressed={isBookmarked(view.id)}
          onClick={() => setBookmarked(view.id, !isBookmarked(view.id))}
        >
          {isBookmarked(view.id) ? 'Bookmarked' : 'Bookmark'}
        </button>
        {!mine ? (
          <button
            type="button"
            class="link-button"
            title="Hide this author's posts in this browser (undo on the Saved page)"
            onClick={() => setMuted(muteTarget(view), true)}
          >
            Mute author
          </button>
        ) : null}
        {mine ? (
          <button
            type="button"
            class="link-button"
            aria-expanded={open === 'delete'}
            aria-controls={formId}
            onClick={() => toggle('delete')}
          >
            Delete
          </button>
        ) : null}
      </div>
      <div id={formId} class="social-forms">
        {open === 'react' ? (
          <fieldset class="reaction-picker">
            <legend>Choose a reaction</legend>
            {REACTIONS.map((reaction) => (
              <button
                type="button"
                key={reaction.emoji}
                class="secondary"
                disabled={busy}
                aria-label={`React with ${reaction.label}`}
                onClick={() => void act('react', reaction.emoji)}
              >
                <span aria-hidden="true">{reaction.emoji}</span>
              </button>
            ))}
          </fieldset>
        ) : null}
        {open === 'quote' || open === 'edit' ? (
          <form
            class="social-form"
            onSubmit={(event) => {
              event.preventDefault();
              if (text.trim() !== '') void act(open, text);
            }}
          >
            <label for={`${formId}-text`}>{open === 'quote' ? 'Your quote' : 'The new text'}</label>
            <textarea
              id={`${formId}-text`}
              rows={3}
              value={text}
              onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
            />
            <div class="composer-row">
              <button type="submit" class="primary" disabled={busy || text.trim() === ''}>
                {open === 'quote' ? 'Post the quote' : 'Save the edit'}
              </button>
              <button type="button" class="secondary" onClick={() => toggle('none')}>
                Cancel
              </button>
            </div>
          </form>
        ) : null}
        {open === 'delete' ? (
          <fieldset class="social-form">
            <legend>Delete this post</legend>
            <p>
              Delete this post? Nodes and the app stop showing it, but its block keeps it: anyone who kept a
              copy still has it.
            </p>
            <div class="composer-row">
              <button
                type="button"
                class="danger"
                disabled={busy}
                onClick={() => void act('delete', 'delete')}
              >
                Delete it
              </button>
              <button type="button" class="secondary" onClick={() => toggle('none')}>
                Keep it
              </button>
            </div>
          </fieldset>
        ) : null}
      </div>
      <p class="social-status" role="status" aria-live="polite">
        {message !== '' ? <span class="error">{message}</span> : null}
        {waiting.length > 0 ? (
          <span class="badge badge-pending" data-status="pending">
            Pending: {waiting.map((action) => describe(action.kind, action.content)).join(', ')}
          </span>
        ) : null}
      </p>
    </div>
  );
}

function describe(kind: SocialKind, content: string): string {
  switch (kind) {
    case 'react':
      return `your reaction ${content}`;
    case 'repost':
      return 'your repost';
    case 'quote':
      return 'your quote';
    case 'edit':
      return 'your edit';
    case 'delete':
      return 'your deletion';
    default:
      return kind;
  }
}
