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

/** "just now", "5 minutes ago", "yesterday", "in 2 minutes" (a clock ahead of ours). */
export function relativeTime(thenMs: number, nowMs: number, locale = 'en'): string {
  const seconds = Math.round((thenMs - nowMs) / 1000);
  if (Math.abs(seconds) < 10) return 'just now';
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

/** Full local date and time, e.g. "Nov 24, 2025, 2:03:07 PM" (the locale's own order). */
export function absoluteTime(ms: number, locale: string = APP_LOCALE, timeZone?: string): string {
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

/** "1 post", "3 posts". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`;
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
