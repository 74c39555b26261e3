/** The colour theme chosen in this browser ('system' follows the device). Owns `theme`. */
import { storage } from '../lib/storage.ts';
import type { StateHub, Writer } from './hub.ts';
import type { AppState, Theme } from './types.ts';

const THEME_KEY = 'yournet.theme';

export function storedTheme(): Theme {
  return (storage.get(THEME_KEY) as Theme | undefined) ?? 'system';
}

export class ThemeStore {
  private readonly write: Writer<AppState, 'theme'>;

  constructor(hub: StateHub<AppState>) {
    this.write = hub.own('theme');
  }

  set(theme: Theme): void {
    if (theme === 'system') storage.remove(THEME_KEY);
    else storage.set(THEME_KEY, theme);
    this.write({ theme });
  }
}
