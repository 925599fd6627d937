import { useId, useState, type FormEvent } from 'react';
import type { ApiClient } from '../../../api/index';
import { buildProduceRequest, type ProduceForm as Form } from './read-request';
import { errorMessage } from './use-call';

export interface ProduceFormProps {
  client: ApiClient;
  connection?: string;
  topic: string;
  partitions: number | null;
  /** Called after a record was written (the detail refreshes its offsets). */
  onProduced?: () => void;
}

const EMPTY: Form = { key: '', value: '', tombstone: false, headers: '', partition: '' };

/** Writes one record to the topic: key, value (or a tombstone), headers, and optionally the partition. */
export function ProduceForm({ client, connection, topic, partitions, onProduced }: ProduceFormProps) {
  const ids = useId();
  const [form, setForm] = useState<Form>(EMPTY);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  const produce = async (e: FormEvent) => {
    e.preventDefault();
    const built = buildProduceRequest(form, topic, partitions, connection);
    if (!built.ok) {
      setStatus({ ok: false, text: built.error });
      return;
    }
    setBusy(true);
    try {
      const at = await client.api.topics.produce(built.value);
      setStatus({ ok: true, text: `Produced to partition ${at.partition} at offset ${at.offset}.` });
      onProduced?.();
    } catch (err) {
      setStatus({ ok: false, text: `Could not produce: ${errorMessage(err)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="kf-produce" aria-label={`Produce to ${topic}`} onSubmit={(e) => void produce(e)}>
      <label htmlFor={`${ids}-key`}>Key</label>
      <input
        id={`${ids}-key`}
        className="kf-mono"
        placeholder="blank for a null key"
        value={form.key}
        onChange={(e) => set('key', e.target.value)}
      />
      <label htmlFor={`${ids}-value`}>Value</label>
      <textarea
        id={`${ids}-value`}
        className="kf-mono"
        rows={6}
        disabled={form.tombstone}
        placeholder='{"user": "u1", "page": "/home"}'
        value={form.value}
        onChange={(e) => set('value', e.target.value)}
      />
      <label className="kf-check">
        <input
          type="checkbox"
          checked={form.tombstone}
          onChange={(e) => set('tombstone', e.target.checked)}
        />
        Null value (tombstone)
      </label>
      <label htmlFor={`${ids}-headers`}>Headers</label>
      <textarea
        id={`${ids}-headers`}
        className="kf-mono"
        rows={3}
        placeholder="name: value (one per line)"
        value={form.headers}
        onChange={(e) => set('headers', e.target.value)}
      />
      <label htmlFor={`${ids}-partition`}>Partition</label>
      <input
        id={`${ids}-partition`}
        inputMode="numeric"
        size={6}
        placeholder="by key"
        value={form.partition}
        onChange={(e) => set('partition', e.target.value)}
      />
      <div>
        <button type="submit" className="kf-button kf-button--primary" disabled={busy}>
          Produce
        </button>
      </div>
      {status && (
        <p role={status.ok ? 'status' : 'alert'} className={status.ok ? undefined : 'kf-error-text'}>
          {status.text}
        </p>
      )}
    </form>
  );
}
