/**
 * Light and dark themes. Without a stored choice the page follows the system
 * (`prefers-color-scheme`, in styles.css); a toggle stores the choice in localStorage and sets
 * `data-theme` on <html>, which the CSS variables key on.
 */
import { create } from 'zustand';

export type Theme = 'light' | 'dark';
const KEY = 'kflow.theme';

function stored(): Theme | null {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

function system(): Theme {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light';
}

function apply(theme: Theme | null): void {
  if (theme) document.documentElement.dataset['theme'] = theme;
  else delete document.documentElement.dataset['theme'];
}

interface ThemeState {
  /** The stored choice; null follows the system. */
  choice: Theme | null;
  /** The theme in effect. */
  effective(): Theme;
  toggle(): void;
}

export const useTheme = create<ThemeState>()((set, get) => {
  const choice = typeof window === 'undefined' ? null : stored();
  if (typeof document !== 'undefined') apply(choice);
  return {
    choice,
    effective: () => get().choice ?? system(),
    toggle() {
      const next: Theme = get().effective() === 'dark' ? 'light' : 'dark';
      try {
        window.localStorage.setItem(KEY, next);
      } catch {
        // storage may be unavailable (private mode); the toggle still works for this session
      }
      apply(next);
      set({ choice: next });
    },
  };
});
