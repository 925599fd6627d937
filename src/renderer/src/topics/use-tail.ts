import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient, ReadRequest, TopicRecordView } from '../../../api/index';
import { errorMessage } from './use-call';

/** Records a followed topic keeps on screen; older ones scroll away. */
export const TAIL_RECORDS = 1000;

export interface TailState {
  following: boolean;
  records: TopicRecordView[];
  /** Why the tail ended on its own (an error, or the backend stopping it). */
  ended: string | null;
  error: string | null;
}

/**
 * Follows a topic through `topics.tailStart` and the pushed `topic.records` events. It listens
 * before asking, so records pushed before the tail id comes back are kept, and stops the tail
 * when stopped, when the request changes, and on unmount.
 */
export function useTail(client: ApiClient) {
  const [state, setState] = useState<TailState>({ following: false, records: [], ended: null, error: null });
  const current = useRef<{ id: string | null; stop: () => void } | null>(null);

  const stop = useCallback(() => {
    current.current?.stop();
    current.current = null;
    setState((s) => ({ ...s, following: false }));
  }, []);

  const start = useCallback(
    (req: Omit<ReadRequest, 'limit'>) => {
      current.current?.stop();
      const early: { tailId: string; records: TopicRecordView[] }[] = [];
      const me: { id: string | null; stop: () => void; stopped: boolean } = {
        id: null,
        stopped: false,
        stop: () => {
          me.stopped = true;
          off();
          if (me.id) void client.api.topics.tailStop(me.id).catch(() => {});
        },
      };
      const add = (records: TopicRecordView[]) =>
        setState((s) => ({ ...s, records: [...s.records, ...records].slice(-TAIL_RECORDS) }));
      const off = client.subscribe((event) => {
        if (event.type === 'topic.records') {
          if (me.id === null) early.push(event);
          else if (event.tailId === me.id) add(event.records);
        } else if (event.type === 'topic.tailEnded' && event.tailId === me.id) {
          off();
          current.current = null;
          setState((s) => ({ ...s, following: false, ended: event.error ?? 'The tail ended.' }));
        }
      });
      current.current = me;
      setState({ following: true, records: [], ended: null, error: null });
      client.api.topics.tailStart(req).then(
        ({ tailId }) => {
          if (me.stopped) {
            void client.api.topics.tailStop(tailId).catch(() => {});
            return;
          }
          me.id = tailId;
          const mine = early.filter((e) => e.tailId === tailId).flatMap((e) => e.records);
          if (mine.length > 0) add(mine);
        },
        (e: unknown) => {
          off();
          if (current.current === me) current.current = null;
          setState((s) => ({ ...s, following: false, error: errorMessage(e) }));
        },
      );
    },
    [client],
  );

  /** Stops and forgets what was followed (a plain read replaces it). */
  const reset = useCallback(() => {
    current.current?.stop();
    current.current = null;
    setState({ following: false, records: [], ended: null, error: null });
  }, []);

  useEffect(() => () => current.current?.stop(), []);
  return { ...state, start, stop, reset };
}
