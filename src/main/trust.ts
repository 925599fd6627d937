/**
 * Which page may talk to the backend, and which file a launch asks to open. Pure, so they are
 * tested without Electron.
 */
import { pathToFileURL } from 'node:url';

/** The app's own page: the built index.html (file:) or, in development, the dev server's origin. */
export function isAppPage(frameUrl: string, app: { indexHtml: string; devServerUrl?: string }): boolean {
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  if (app.devServerUrl) return url.origin === new URL(app.devServerUrl).origin;
  return url.protocol === 'file:' && url.pathname === pathToFileURL(app.indexHtml).pathname;
}

/** A spec file named on the command line (a double-clicked file on Windows and Linux). */
export function specFileFromArgv(argv: readonly string[]): string | null {
  // argv[0] is the executable; in development argv[1] is the app folder.
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    if (arg.toLowerCase().endsWith('.json')) return arg;
  }
  return null;
}
