import { createContext, useContext } from 'react';
import type { ApiClient } from '../../../api/index';

/** The API client the app was started with; null in tests that render a piece alone. */
export const ClientContext = createContext<ApiClient | null>(null);

export function useClient(): ApiClient | null {
  return useContext(ClientContext);
}
