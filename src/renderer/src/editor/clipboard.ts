/**
 * Copy and paste of nodes: an internal clipboard always, and the system clipboard as JSON
 * when the page may use it (so nodes can be pasted into another window or a text file).
 */
import { isFragment, useEditorStore, type Fragment } from '../store/index';

let internal: Fragment | null = null;
let pasteCount = 0;

export function fragmentText(fragment: Fragment): string {
  return JSON.stringify(fragment, null, 2);
}

/** The selection as a fragment, remembered internally; returns its JSON text (null when nothing is selected). */
export function copySelectionText(): string | null {
  const fragment = useEditorStore.getState().copySelection();
  if (!fragment) return null;
  internal = fragment;
  pasteCount = 0;
  return fragmentText(fragment);
}

export async function copyToClipboard(): Promise<void> {
  const text = copySelectionText();
  if (text === null) return;
  try {
    await navigator.clipboard?.writeText(text);
  } catch {
    // not permitted: the internal clipboard still has it
  }
}

/** Pastes `text` when it is a fragment, else the internal clipboard; each paste lands a bit further off. */
export function pasteText(text: string | null): boolean {
  let fragment: Fragment | null = null;
  if (text) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (isFragment(parsed)) fragment = parsed;
    } catch {
      // not ours: fall back to the internal clipboard
    }
  }
  fragment ??= internal;
  if (!fragment) return false;
  pasteCount += 1;
  useEditorStore.getState().paste(fragment, { x: 40 * pasteCount, y: 40 * pasteCount });
  return true;
}

export async function pasteFromClipboard(): Promise<void> {
  let text: string | null = null;
  try {
    text = (await navigator.clipboard?.readText()) ?? null;
  } catch {
    text = null;
  }
  pasteText(text);
}
