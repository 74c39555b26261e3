import { useEffect, useRef, useState } from 'preact/hooks';
import { utf8Length } from '#core/bytes.ts';
import { POST_LIMITS } from '#core/post-limits.ts';
import { describeWorkTime, formatCount, plural } from '../lib/format.ts';
import { nameProblem } from '../lib/identity-format.ts';
import { paths } from '../router.ts';
import { loadDraft, saveDraft } from '../state/local-lists.ts';
import { type StampPlan, store, useStore } from '../store.ts';

/** Progress renders at most this often: workers report thousands of chunks a second. */
const PROGRESS_EVERY_MS = 100;
/** From this share of the byte limit on, the live region says the post is nearly full. */
const NEARLY_FULL = 0.9;

/**
 * What the polite live region says about the length: nothing while there is room, one sentence
 * when the post nears the limit and one when it passes it, so typing never announces each byte.
 */
function lengthAnnouncement(bytes: number, max: number): string {
  if (bytes > max) return `Too long: over the ${formatCount(max)}-byte limit.`;
  if (bytes >= max * NEARLY_FULL)
    return `Nearly full: ${Math.round(NEARLY_FULL * 100)}% of the byte limit used.`;
  return '';
}

interface Stamping {
  readonly plan: StampPlan;
  /** Hashes tried over hashes expected, capped below 1 (a stamp may take longer than expected). */
  readonly fraction: number;
}

interface Props {
  replyTo?: string;
  replyingTo?: string;
  onDone?: () => void;
  onCancel?: () => void;
}

/**
 * The tutorial's form: a textarea, "Your name", "Post". Stamps the post when the node asks for
 * work (expected time, progress bar, Cancel; the work runs in Web Workers), then signs it with
 * the browser's key and sends it.
 */
export function Composer({ replyTo, replyingTo, onDone, onCancel }: Props) {
  const app = useStore();
  // The draft survives reloads (state/local-lists.ts); sent or emptied, it is forgotten.
  const [content, setContent] = useState(() => loadDraft(replyTo ?? 'new'));
  useEffect(() => saveDraft(replyTo ?? 'new', content), [content]);
  const [name, setName] = useState(app.name);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [stamping, setStamping] = useState<Stamping | undefined>();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const stampingController = useRef<AbortController | undefined>(undefined);
  // Leaving the page (or closing a reply box) stops the workers.
  useEffect(() => () => stampingController.current?.abort(), []);
  const bytes = utf8Length(content);
  const max = POST_LIMITS.contentMaxBytes;
  const over = bytes > max;
  // A reply box opens because the person pressed Reply: take them to it, and when it closes
  // (Cancel, Escape, sent) give focus back to that button instead of dropping it to the body.
  useEffect(() => {
    if (replyTo === undefined) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    textarea.current?.focus();
    return () => {
      setTimeout(() => {
        const lost = document.activeElement === null || document.activeElement === document.body;
        if (lost && opener?.isConnected) opener.focus();
      }, 0);
    };
  }, [replyTo]);
  const idBase = replyTo ? `reply-${replyTo.slice(0, 8)}` : 'compose';

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setNotice(undefined);
    const problem = nameProblem(name);
    if (problem) return setError(problem);
    if (content.trim() === '') return setError('Write something first.');
    if (over) return setError(`The post is ${bytes - max} bytes too long.`);
    const firstKey = app.identity === undefined;
    setSending(true);
    const controller = new AbortController();
    stampingController.current = controller;
    let shown = 0;
    const result = await store.publish(content, name.trim() === name ? name : name.trim(), replyTo, {
      signal: controller.signal,
      onStamping: (plan) => setStamping({ plan, fraction: 0 }),
      onProgress: ({ hashes, expected }) => {
        const now = performance.now();
        if (now - shown < PROGRESS_EVERY_MS) return;
        shown = now;
        setStamping((current) => current && { ...current, fraction: Math.min(0.99, hashes / expected) });
      },
    });
    stampingController.current = undefined;
    setStamping(undefined);
    setSending(false);
    if (!result.ok) {
      if (result.cancelled) setNotice(result.message);
      else setError(result.message);
      return;
    }
    setContent('');
    if (firstKey) setNotice('A signing key was created for you in this browser.');
    onDone?.();
    // A reply box closes when sent and its owner moves focus; the main composer keeps it.
    if (replyTo === undefined) textarea.current?.focus();
  };

  // Ctrl/Cmd+Enter sends from the text; Escape closes a reply box (not while it is sending).
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
      event.preventDefault();
      if (!sending) (event.currentTarget as HTMLFormElement).requestSubmit();
    } else if (event.key === 'Escape' && onCancel !== undefined && !sending) {
      event.preventDefault();
      onCancel();
    }
  };

  return (
    <form
      class={`composer${replyTo ? ' composer-reply' : ''}`}
      onSubmit={submit}
      onKeyDown={onKeyDown}
      aria-label={replyTo ? `Reply to ${replyingTo}` : 'New post'}
    >
      <label class="visually-hidden" for={`${idBase}-content`}>
        {replyTo ? `Your reply to ${replyingTo}` : 'What you want to post'}
      </label>
      <textarea
        id={`${idBase}-content`}
        ref={textarea}
        name="content"
        rows={replyTo ? 2 : 3}
        placeholder={replyTo ? `Reply to ${replyingTo}…` : 'Just write whatever you want to...'}
        value={content}
        onInput={(event) => setContent((event.target as HTMLTextAreaElement).value)}
        aria-describedby={`${idBase}-counter ${idBase}-keys`}
        aria-invalid={over}
      />
      <div class="composer-row">
        <label class="visually-hidden" for={`${idBase}-name`}>
          Your name
        </label>
        <input
          id={`${idBase}-name`}
          name="author"
          type="text"
          placeholder="Your name"
          autoComplete="nickname"
          value={name}
          maxLength={128}
          onInput={(event) => setName((event.target as HTMLInputElement).value)}
        />
        <span id={`${idBase}-counter`} class={`counter${over ? ' counter-over' : ''}`}>
          {plural(bytes, 'byte')} / {plural(max, 'byte')}
        </span>
        <span id={`${idBase}-keys`} class="visually-hidden">
          {replyTo ? 'Ctrl+Enter sends, Escape cancels.' : 'Ctrl+Enter sends.'}
        </span>
        <span class="visually-hidden" role="status" data-testid="counter-status">
          {lengthAnnouncement(bytes, max)}
        </span>
        {onCancel ? (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <button type="submit" class="primary" disabled={sending}>
          {sending ? 'Posting…' : 'Post'}
        </button>
      </div>
      {stamping ? (
        <div class="stamping" role="status">
          <span>Stamping: {describeWorkTime(stamping.plan.seconds)} of work on this device</span>
          <progress max={1} value={stamping.fraction} aria-label="Stamping progress" />
          <button
            type="button"
            class="secondary"
            aria-label="Cancel stamping"
            onClick={() => stampingController.current?.abort()}
          >
            Cancel
          </button>
        </div>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p class="notice" role="status">
          {notice} <a href={paths.identity}>See your key</a>
        </p>
      ) : null}
    </form>
  );
}
