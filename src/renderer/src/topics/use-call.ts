import { useCallback, useEffect, useRef, useState } from 'react';

export interface CallState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs an API call and keeps its result; `run()` calls again. An answer that comes back after a
 * newer call started, or after unmount, is dropped (a slow broker must not overwrite newer data).
 */
export function useCall<T>(call: (() => Promise<T>) | null, deps: readonly unknown[]) {
  const [state, setState] = useState<CallState<T>>({ data: null, error: null, loading: call !== null });
  const seq = useRef(0);
  const live = useRef(true);
  const fn = useRef(call);
  fn.current = call;
  const run = useCallback(async () => {
    const f = fn.current;
    if (!f) return;
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const data = await f();
      if (live.current && mine === seq.current) setState({ data, error: null, loading: false });
    } catch (e) {
      if (live.current && mine === seq.current)
        setState((s) => ({ ...s, error: message(e), loading: false }));
    }
  }, []);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  useEffect(() => {
    void run();
  }, deps);
  return { ...state, run };
}

export { message as errorMessage };
