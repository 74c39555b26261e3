import { utf8Length } from '../bytes.ts';
import { canonicalJson } from '../canonical.ts';

/** A profile action's content, parsed (docs/PROTOCOL.md §13.2). */
export interface Profile {
  /** Display name: 1–50 code points, not blank, no control characters. */
  readonly name: string;
  /** At most 500 bytes of UTF-8; tab and newlines allowed. */
  readonly bio?: string;
  /** A small inline image: `data:image/(png|jpeg|webp);base64,…`, at most 8,000 bytes. */
  readonly avatar?: string;
}

export const PROFILE_LIMITS = { nameMaxChars: 50, bioMaxBytes: 500, avatarMaxBytes: 8_000 } as const;

const PROFILE_FIELDS = new Set(['name', 'bio', 'avatar']);
const CONTROL = /\p{Cc}/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the protocol refuses these on purpose
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Standard base64 with padding, whole groups only: one spelling per image.
const AVATAR =
  /^data:image\/(?:png|jpeg|webp);base64,(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Parses a profile's content: a JSON object with `name` and optionally `bio` and `avatar`, no
 * other member, written exactly in its canonical form (RFC 8785), so one profile has one
 * spelling. Returns a reason when the content is not a profile.
 */
export function parseProfile(
  content: string,
): { ok: true; profile: Profile } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return { ok: false, reason: 'a profile is a JSON object' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'a profile is a JSON object' };
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!PROFILE_FIELDS.has(key)) return { ok: false, reason: `unknown profile field "${key.slice(0, 40)}"` };
  }
  const { name, bio, avatar } = record;
  if (
    typeof name !== 'string' ||
    name.trim() === '' ||
    CONTROL.test(name) ||
    codePoints(name) > PROFILE_LIMITS.nameMaxChars
  )
    return {
      ok: false,
      reason: `name must be 1–${PROFILE_LIMITS.nameMaxChars} characters without control characters`,
    };
  if (
    bio !== undefined &&
    (typeof bio !== 'string' ||
      CONTROL_EXCEPT_WHITESPACE.test(bio) ||
      utf8Length(bio) > PROFILE_LIMITS.bioMaxBytes)
  )
    return {
      ok: false,
      reason: `bio must be at most ${PROFILE_LIMITS.bioMaxBytes} bytes without control characters`,
    };
  if (
    avatar !== undefined &&
    (typeof avatar !== 'string' || avatar.length > PROFILE_LIMITS.avatarMaxBytes || !AVATAR.test(avatar))
  )
    return {
      ok: false,
      reason: `avatar must be a data:image/(png|jpeg|webp);base64 URL of at most ${PROFILE_LIMITS.avatarMaxBytes} bytes`,
    };
  const profile: Profile = {
    name,
    ...(bio !== undefined ? { bio } : {}),
    ...(avatar !== undefined ? { avatar } : {}),
  };
  if (canonicalJson(profile) !== content)
    return { ok: false, reason: 'a profile must be written in canonical JSON (RFC 8785)' };
  return { ok: true, profile };
}

/** The content of a profile action for `profile`: its canonical JSON. */
export function profileContent(profile: Profile): string {
  return canonicalJson(profile);
}
