import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  absoluteTime,
  confirmationsText,
  formatBytes,
  formatCount,
  formatDifficulty,
  formatDuration,
  isoTime,
  plural,
  relativeTime,
  shortHash,
} from '../../web/src/lib/format.ts';

const NOW = Date.UTC(2025, 10, 24, 12, 0, 0);

describe('web format: times', () => {
  it('says relative times in words, past and future', () => {
    assert.equal(relativeTime(NOW - 3_000, NOW), 'just now');
    assert.equal(relativeTime(NOW - 45_000, NOW), '45 seconds ago');
    assert.equal(relativeTime(NOW - 5 * 60_000, NOW), '5 minutes ago');
    assert.equal(relativeTime(NOW - 2 * 3600_000, NOW), '2 hours ago');
    assert.equal(relativeTime(NOW - 24 * 3600_000, NOW), 'yesterday');
    assert.equal(relativeTime(NOW - 3 * 24 * 3600_000, NOW), '3 days ago');
    assert.equal(relativeTime(NOW - 400 * 24 * 3600_000, NOW), 'last year');
    assert.equal(relativeTime(NOW + 2 * 60_000, NOW), 'in 2 minutes');
  });

  it('gives the full date and time, not only the time (the tutorial showed no date)', () => {
    const text = absoluteTime(Date.UTC(2025, 10, 24, 14, 3, 7), 'en-GB', 'UTC');
    assert.match(text, /24 Nov 2025/);
    assert.match(text, /14:03:07/);
    assert.equal(absoluteTime(Number.NaN, 'en-GB', 'UTC'), 'unknown time');
  });

  it("writes English times as Intl does, without Intl (a page's first Intl format is slow)", () => {
    const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    const steps = [15, 59, 60, 61, 119, 3_599, 3_600, 7_200, 86_399, 86_400, 172_800, 604_800, 1_209_600];
    const more = [2_592_000, 5_184_000, 31_536_000, 63_072_000, 900_000_000];
    for (const seconds of [...steps, ...more]) {
      for (const sign of [-1, 1]) {
        const then = NOW + sign * seconds * 1000;
        const mine = relativeTime(then, NOW);
        const unit = mine.match(/second|minute|hour|day|week|month|year|yesterday|tomorrow/)?.[0];
        assert.ok(unit !== undefined, mine);
        const reference = relativeTime(then, NOW, 'en-US');
        assert.equal(mine, reference, `${sign * seconds} s`);
      }
    }
    assert.equal(relative.format(-1, 'day'), relativeTime(NOW - 86_400_000, NOW));
    const dates = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' });
    for (let ms = Date.UTC(1999, 11, 31, 23, 59, 59); ms < Date.UTC(2031, 0, 1); ms += 9_753_135_791) {
      for (const offset of [0, 43_200_000, 3_600_000 * 11 + 59_000]) {
        assert.equal(absoluteTime(ms + offset), dates.format(ms + offset));
      }
    }
    assert.equal(
      absoluteTime(Date.UTC(2025, 0, 1, 0, 0, 5), 'en'),
      dates.format(Date.UTC(2025, 0, 1, 0, 0, 5)),
    );
  });

  it('writes ISO times for <time datetime>', () => {
    assert.equal(isoTime(Date.UTC(2025, 0, 2, 3, 4, 5)), '2025-01-02T03:04:05.000Z');
    assert.equal(isoTime(Number.NaN), '');
  });

  it('formats durations between blocks', () => {
    assert.equal(formatDuration(42), '42 s');
    assert.equal(formatDuration(185), '3 min 5 s');
    assert.equal(formatDuration(600), '10 min');
    assert.equal(formatDuration(2 * 3600 + 600), '2 h 10 min');
    assert.equal(formatDuration(-5), '0 s');
    assert.equal(formatDuration(Number.POSITIVE_INFINITY), '–');
  });
});

describe('web format: numbers and hashes', () => {
  it('shortens hashes with an ellipsis and keeps short strings', () => {
    const hash = 'ab'.repeat(32);
    assert.equal(shortHash(hash), `${'ab'.repeat(5)}…${'ab'.repeat(3)}`);
    assert.equal(shortHash(hash, 8, 0), `${'ab'.repeat(4)}…`);
    assert.equal(shortHash('abc'), 'abc');
  });

  it('pluralises', () => {
    assert.equal(plural(1, 'post'), '1 post');
    assert.equal(plural(0, 'post'), '0 posts');
    assert.equal(plural(12_345, 'post'), '12,345 posts');
    assert.equal(confirmationsText(1), '1 confirmation');
    assert.equal(confirmationsText(7), '7 confirmations');
  });

  it("groups integers' digits as toLocaleString('en') does, without Intl", () => {
    const samples = [0, 7, 999, 1_000, 12_345, 999_999, 1_000_000, 20_616, -4_321, Number.MAX_SAFE_INTEGER];
    for (const n of samples) assert.equal(formatCount(n), n.toLocaleString('en'), String(n));
    assert.equal(formatCount(1.5), (1.5).toLocaleString('en'));
  });

  it('formats bytes and difficulty', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(9_800), '9.8 kB');
    assert.equal(formatBytes(1_250_000), '1.3 MB');
    assert.equal(formatDifficulty(1), '1');
    assert.equal(formatDifficulty(12.345), '12.3');
    assert.equal(formatDifficulty(3_400), '3.4k');
    assert.equal(formatDifficulty(1.2e6), '1.2M');
    assert.equal(formatDifficulty(Number.NaN), '–');
  });
});
