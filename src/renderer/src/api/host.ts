/**
 * What the page can ask of its host beyond the API: native menus, draft recovery, file
 * dialogs. The desktop app provides them through the bridge; in `kflow web` drafts live in
 * localStorage, there are no native menus, and `pickFile` answers null (ask for a path instead).
 */
import type { KflowBridge, MenuEvent, PickFileRequest } from '../../../api/bridge';

export interface AppHost {
  kind: 'desktop' | 'web';
  platform: string;
  onMenu(listener: (event: MenuEvent) => void): () => void;
  saveDraft(text: string): Promise<void>;
  loadDraft(): Promise<string | null>;
  clearDraft(): Promise<void>;
  pickFile(req: PickFileRequest): Promise<string | null>;
}

const DRAFT_KEY = 'kflow.draft';

export function appHost(bridge: KflowBridge | undefined = window.kflow): AppHost {
  if (bridge) {
    return {
      kind: 'desktop',
      platform: bridge.platform,
      onMenu: (listener) => bridge.onMenu(listener),
      saveDraft: (text) => bridge.saveDraft(text),
      loadDraft: () => bridge.loadDraft(),
      clearDraft: () => bridge.clearDraft(),
      pickFile: (req) => bridge.pickFile(req),
    };
  }
  return {
    kind: 'web',
    platform: 'web',
    onMenu: () => () => {},
    saveDraft: async (text) => window.localStorage.setItem(DRAFT_KEY, text),
    loadDraft: async () => window.localStorage.getItem(DRAFT_KEY),
    clearDraft: async () => window.localStorage.removeItem(DRAFT_KEY),
    pickFile: async () => null,
  };
}
