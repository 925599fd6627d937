/**
 * CodeMirror injects its base styles at runtime. On a document it uses a <style> element,
 * which the app's Content-Security-Policy (`style-src 'self'`, no inline styles) blocks. On a
 * root without `head` it uses a constructable stylesheet (`adoptedStyleSheets`), which CSP
 * allows. style-mod picks the mechanism once per root, at the first mount, so mounting an empty
 * module set while `document.head` reads as null makes every later CodeMirror style go through
 * a constructable sheet.
 */
import { StyleModule } from 'style-mod';

let done = false;

export function preferConstructableStyles(): void {
  if (done || typeof document === 'undefined') return;
  done = true;
  if (!('adoptedStyleSheets' in document) || typeof CSSStyleSheet === 'undefined') return;
  Object.defineProperty(document, 'head', { configurable: true, get: () => null });
  try {
    StyleModule.mount(document, []);
  } finally {
    // Removing the own property uncovers Document.prototype.head again.
    delete (document as unknown as { head?: unknown }).head;
  }
}
