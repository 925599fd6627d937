// The preload bridge, present only in the desktop app (absent in `kflow web`).
import type { KflowBridge } from '../../../api/bridge';

declare global {
  interface Window {
    kflow?: KflowBridge;
  }
}

export {};
