import { isLowerHex } from '../bytes.ts';
import { isSingleEmoji } from './emoji.ts';
import { isValidName } from './names.ts';
import { parseProfile } from './profile.ts';

/** The action kinds this protocol version defines (docs/PROTOCOL.md §13.1). */
export const ACTION_KINDS = [
  'profile',
  'follow',
  'unfollow',
  'react',
  'repost',
  'quote',
  'edit',
  'delete',
  'name_commit',
  'name',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

const KNOWN = new Set<string>(ACTION_KINDS);

/** The syntax of any kind, known or not: a future kind passes the form (§13.1). */
export const KIND_SYNTAX = /^[a-z][a-z0-9_]{0,31}$/;

export function isKnownKind(kind: string): kind is ActionKind {
  return KNOWN.has(kind);
}

/** What `ref` names for each known kind; `none` means `ref` must be absent. */
export const REF_MEANING: Readonly<Record<ActionKind, 'none' | 'post' | 'pubkey' | 'commitment' | 'salt'>> = {
  profile: 'none',
  follow: 'pubkey',
  unfollow: 'pubkey',
  react: 'post',
  repost: 'post',
  quote: 'post',
  edit: 'post',
  delete: 'post',
  name_commit: 'commitment',
  name: 'salt',
};

/** Kinds whose content is exactly the kind's own name: the action is all in `kind` and `ref`. */
const FIXED_CONTENT = new Set<ActionKind>(['follow', 'unfollow', 'repost', 'delete', 'name_commit']);

/**
 * The per-kind rules of a known kind's `ref` and `content` (§13.1), for a post whose other
 * fields passed the form. `isKey` is the public-key rule of §2.1 step 10. Returns the reason of
 * the first rule broken, or undefined.
 */
export function actionFormError(
  kind: ActionKind,
  ref: string | undefined,
  content: string,
  isKey: (hex: string) => boolean,
): string | undefined {
  const meaning = REF_MEANING[kind];
  if (meaning === 'none' && ref !== undefined) return `a ${kind} action has no ref`;
  if (meaning !== 'none' && ref === undefined) return `a ${kind} action needs a ref`;
  if (meaning === 'pubkey' && !isKey(ref!)) return `the ref of a ${kind} action is a public key`;
  if (FIXED_CONTENT.has(kind) && content !== kind)
    return `the content of a ${kind} action is exactly "${kind}"`;
  if (kind === 'react' && !isSingleEmoji(content))
    return 'the content of a react action is exactly one emoji';
  if (kind === 'name' && !isValidName(content))
    return 'the content of a name action is a name: 3–20 characters of a–z, 0–9 and _';
  if (kind === 'profile') {
    const parsed = parseProfile(content);
    if (!parsed.ok) return parsed.reason;
  }
  return undefined;
}

/** `ref`'s encoding: always 64 lowercase hex (32 bytes), whatever it names. */
export function isRefEncoding(ref: unknown): ref is string {
  return isLowerHex(ref, 32);
}
