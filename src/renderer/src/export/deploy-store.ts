/**
 * The deploy the export dialog started, kept outside the dialog: an apply takes minutes (a new
 * cluster 15 to 40), and closing the dialog meanwhile must not lose its progress. Events are
 * kept by deploy id, since they may arrive before the call that started the deploy answers;
 * choosing a new current deploy drops the others.
 */
import { create } from 'zustand';
import type { ApiClient, DeployProgressView, DeployResultView, ServerEvent } from '../../../api/index';

export interface DeployData {
  progress: Record<string, DeployProgressView[]>;
  results: Record<string, DeployResultView>;
  /** The deploy the dialog shows, and the pipeline it deploys. */
  current: { id: string; pipeline: string } | null;
}

export interface DeployStore extends DeployData {
  add(event: ServerEvent): void;
  setCurrent(current: { id: string; pipeline: string }): void;
}

export const initialDeployData = (): DeployData => ({ progress: {}, results: {}, current: null });

export const useDeployStore = create<DeployStore>()((set, get) => ({
  ...initialDeployData(),
  add(e) {
    if (e.type === 'deploy.progress') {
      const id = e.progress.deployId;
      set({ progress: { ...get().progress, [id]: [...(get().progress[id] ?? []), e.progress] } });
    } else if (e.type === 'deploy.done')
      set({ results: { ...get().results, [e.result.deployId]: e.result } });
  },
  setCurrent(current) {
    const { progress, results } = get();
    set({
      current,
      progress: current.id in progress ? { [current.id]: progress[current.id] ?? [] } : {},
      results: current.id in results ? { [current.id]: results[current.id]! } : {},
    });
  },
}));

const attached = new WeakSet<ApiClient>();

/** Listens to a client's deploy events from now on, once per client, for as long as the page lives. */
export function attachDeployEvents(client: ApiClient): void {
  if (attached.has(client)) return;
  attached.add(client);
  client.subscribe((e) => {
    if (e.type === 'deploy.progress' || e.type === 'deploy.done') useDeployStore.getState().add(e);
  });
}
