import { utf8Length } from '../bytes.ts';

// One emoji "grapheme" by a fixed grammar (docs/PROTOCOL.md §13.3), not by Intl.Segmenter: the
// form is consensus, and segmentation rules change with Unicode versions. Extended_Pictographic
// covers the reserved code points of the emoji blocks too, so its set does not move with new
// Unicode versions; Regional_Indicator and Emoji_Modifier are closed sets.
const ELEMENT = String.raw`\p{Extended_Pictographic}[\uFE0E\uFE0F]?\p{Emoji_Modifier}?`;
const FLAG = String.raw`\p{Regional_Indicator}{2}`;
const KEYCAP = String.raw`[#*0-9]\uFE0F?\u20E3`;
const TAG = String.raw`\u{1F3F4}[\u{E0020}-\u{E007E}]{1,30}\u{E007F}`;
const ZWJ_SEQUENCE = `${ELEMENT}(?:\\u200D${ELEMENT}){0,9}`;
const SINGLE_EMOJI = new RegExp(`^(?:${FLAG}|${KEYCAP}|${TAG}|${ZWJ_SEQUENCE})$`, 'u');

/** Most UTF-8 bytes of a reaction. */
export const EMOJI_MAX_BYTES = 64;

/** True when `text` is exactly one emoji by the grammar of §13.3 and at most 64 UTF-8 bytes. */
export function isSingleEmoji(text: string): boolean {
  return utf8Length(text) <= EMOJI_MAX_BYTES && SINGLE_EMOJI.test(text);
}
