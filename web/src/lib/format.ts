/**
 * Formatting of times, sizes and hashes for the app. Pure: no DOM, no clock (callers pass
 * `now`), so test/web checks it under Node.
 */

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

/*
 * The app's own language (English) is written here without Intl: a page's first Intl format
 * (number, date or relative time) costs ~100 ms of main thread while it loads its locale data,
 * ~0.4 s on a phone 4x slower, and every post card needs one. The output is Intl's, character
 * for character (test/web/format.test.ts compares them); other locales and time zones use Intl.
 */

/** What Intl.RelativeTimeFormat('en', { numeric: 'auto' }) says for ±1 of these units. */
const NEXT_LAST: Partial<Record<Intl.RelativeTimeFormatUnit, readonly [string, string]>> = {
  day: ['yesterday', 'tomorrow'],
  week: ['last week', 'next week'],
  month: ['last month', 'next month'],
  year: ['last year', 'next year'],
};

function englishRelative(value: number, unit: Intl.RelativeTimeFormatUnit): string {
  const named = NEXT_LAST[unit];
  if (named !== undefined && Math.abs(value) === 1) return named[value < 0 ? 0 : 1];
  const count = Math.abs(value);
  const words = `${formatCount(count)} ${count === 1 ? unit : `${unit}s`}`;
  return value < 0 ? `${words} ago` : `in ${words}`;
}

/** "just now", "5 minutes ago", "yesterday", "in 2 minutes" (a clock ahead of ours). */
export function relativeTime(thenMs: number, nowMs: number, locale = 'en'): string {
  const seconds = Math.round((thenMs - nowMs) / 1000);
  if (Math.abs(seconds) < 10) return 'just now';
  if (locale === 'en') {
    for (const [unit, size] of UNITS) {
      if (Math.abs(seconds) >= size || unit === 'second')
        return englishRelative(Math.trunc(seconds / size), unit);
    }
  }
  let format = relativeFormats.get(locale);
  if (format === undefined) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormats.set(locale, format);
  }
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return format.format(Math.trunc(seconds / size), unit);
    }
  }
  return 'just now';
}

const absoluteFormats = new Map<string, Intl.DateTimeFormat>();

/** The UI's language: dates are written in it, never in a mix with the browser's. */
export const APP_LOCALE = 'en';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const twoDigits = (n: number): string => String(n).padStart(2, '0');

/** Intl's 'en' medium date and time in the local time zone: "Nov 24, 2025, 2:03:07 PM". */
function englishDateTime(ms: number): string {
  const date = new Date(ms);
  const hours = date.getHours();
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())}`;
  const day = `${MONTHS[date.getMonth()]} ${date.getDate()}, ${date.getFullYear()}`;
  return `${day}, ${clock} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** Full local date and time, e.g. "Nov 24, 2025, 2:03:07 PM" (the locale's own order). */
export function absoluteTime(ms: number, locale: string = APP_LOCALE, timeZone?: string): string {
  // Years before 1000 or after 9999 are written differently by Intl: left to it.
  const ordinary = Number.isFinite(ms) && Math.abs(ms) < 2.5e14 && new Date(ms).getFullYear() >= 1000;
  if (locale === 'en' && timeZone === undefined && ordinary) return englishDateTime(ms);
  const key = `${locale ?? ''}|${timeZone ?? ''}`;
  let format = absoluteFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: 'medium',
      ...(timeZone !== undefined ? { timeZone } : {}),
    });
    absoluteFormats.set(key, format);
  }
  if (!Number.isFinite(ms)) return 'unknown time';
  return format.format(ms);
}

/** ISO 8601 for a `<time datetime>` attribute; empty for an impossible time. */
export function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** A hash shortened for display: the first `head` and last `tail` characters. */
export function shortHash(hash: string, head = 10, tail = 6): string {
  if (hash.length <= head + tail + 1) return hash;
  return `${hash.slice(0, head)}…${tail > 0 ? hash.slice(-tail) : ''}`;
}

/**
 * An integer with English digit grouping ("12,345"), as `toLocaleString('en')` writes it but
 * without it: the first Intl number format of a page costs ~100 ms of main thread (measured
 * in the first feed render), ~0.4 s on a phone 4x slower. Other numbers go to Intl.
 */
export function formatCount(count: number): string {
  if (!Number.isSafeInteger(count)) return count.toLocaleString('en');
  const digits = String(Math.abs(count)).replace(/\B(?=(\d{3})+$)/g, ',');
  return count < 0 ? `-${digits}` : digits;
}

/** "1 post", "3 posts". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** Bytes as "512 B", "9.8 kB", "1.2 MB" (decimal units). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A duration in seconds as "42 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const minutes = Math.round(s / 60);
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A difficulty as a compact number: "1", "12.5", "3.4k", "1.2M". */
export function formatDifficulty(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value < 1000) return Number(value.toPrecision(3)).toString();
  const units = ['k', 'M', 'G', 'T', 'P', 'E'];
  let v = value;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

/** "1 confirmation", "12 confirmations". */
export function confirmationsText(confirmations: number): string {
  return plural(confirmations, 'confirmation');
}

/** "≈ 0.8 s", "≈ 12 s", "≈ 3 min", "< 0.1 s": the expected time of a stamp, in words. */
export function describeWorkTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'too long';
  if (seconds < 0.1) return '< 0.1 s';
  if (seconds < 10) return `≈ ${seconds.toFixed(1)} s`;
  if (seconds < 120) return `≈ ${Math.round(seconds)} s`;
  if (seconds < 7200) return `≈ ${Math.round(seconds / 60)} min`;
  return `≈ ${Math.round(seconds / 3600)} h`;
}
