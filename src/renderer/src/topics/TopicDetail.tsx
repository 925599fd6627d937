import { useState } from 'react';
import type { ApiClient, TopicView } from '../../../api/index';
import { Tabs } from '../run/Tabs';
import { ProduceForm } from './ProduceForm';
import { ConfigEditor, ManageTopic, TemplateProduce } from './TopicAdmin';
import { RecordBrowser } from './RecordBrowser';
import { ExportDialog, ImportDialog } from './Transfer';
import { looksLikeDeadLetterTopic, RedriveDialog } from './Redrive';
import { useCall } from './use-call';

export interface TopicDetailProps {
  client: ApiClient;
  connection?: string;
  topic: string;
  /** Records/s from the topic list's sampling, when it has one. */
  rate?: number | null;
  /** After the topic was deleted here. */
  onDeleted?: () => void;
}

type TabId = 'records' | 'partitions' | 'config' | 'produce' | 'generate' | 'manage';

/** One topic: its records, partitions (leader, replicas, ISR, offsets), config, and a produce form. */
export function TopicDetail({ client, connection, topic, rate, onDeleted }: TopicDetailProps) {
  const [tab, setTab] = useState<TabId>('records');
  const [redriving, setRedriving] = useState(false);
  const [transfer, setTransfer] = useState<'export' | 'import' | null>(null);
  const view = useCall(() => client.api.topics.describe(topic, connection), [client, connection, topic]);
  return (
    <div className="kf-topic-detail">
      <header className="kf-toolbar">
        <h2 className="kf-topic-detail__name">{topic}</h2>
        {view.data && (
          <span className="kf-muted">
            {view.data.partitions.length} partition{view.data.partitions.length === 1 ? '' : 's'}
          </span>
        )}
        <span className="kf-muted" aria-label="Message rate">
          {rate == null ? '– records/s' : `${rate.toFixed(1)} records/s`}
        </span>
        <span className="kf-muted" title="The broker does not report log sizes (no DescribeLogDirs)">
          size n/a
        </span>
        <button type="button" onClick={() => void view.run()} disabled={view.loading}>
          Refresh topic
        </button>
        <button type="button" onClick={() => setTransfer('export')}>
          Export…
        </button>
        <button type="button" onClick={() => setTransfer('import')}>
          Import…
        </button>
        <button
          type="button"
          title={
            looksLikeDeadLetterTopic(topic)
              ? 'This looks like a dead-letter topic: move its records back to the topics they came from'
              : 'Move dead letters back to the topic they came from'
          }
          onClick={() => setRedriving(true)}
        >
          Redrive…
        </button>
      </header>
      {transfer === 'export' && (
        <ExportDialog
          client={client}
          connection={connection}
          topic={topic}
          onClose={() => setTransfer(null)}
        />
      )}
      {transfer === 'import' && (
        <ImportDialog
          client={client}
          connection={connection}
          topic={topic}
          onClose={() => setTransfer(null)}
          onImported={() => void view.run()}
        />
      )}
      {redriving && (
        <RedriveDialog
          client={client}
          connection={connection}
          topic={topic}
          onClose={() => {
            setRedriving(false);
            void view.run();
          }}
        />
      )}
      {view.error && (
        <p role="alert" className="kf-error-text">
          Could not describe {topic}: {view.error}
        </p>
      )}
      <Tabs
        label={`Topic ${topic}`}
        selected={tab}
        onSelect={(id) => setTab(id as TabId)}
        tabs={[
          { id: 'records', label: 'Records' },
          { id: 'partitions', label: 'Partitions' },
          { id: 'config', label: 'Config' },
          { id: 'produce', label: 'Produce' },
          { id: 'generate', label: 'Generate' },
          { id: 'manage', label: 'Manage' },
        ]}
      >
        {tab === 'records' && (
          <RecordBrowser
            client={client}
            connection={connection}
            topic={topic}
            partitions={view.data?.partitions.length ?? null}
          />
        )}
        {tab === 'partitions' && <Partitions view={view.data} />}
        {tab === 'config' && (
          <ConfigEditor client={client} connection={connection} topic={topic} view={view.data} />
        )}
        {tab === 'generate' && <TemplateProduce client={client} connection={connection} topic={topic} />}
        {tab === 'manage' && (
          <ManageTopic
            client={client}
            connection={connection}
            topic={topic}
            partitions={view.data?.partitions.length ?? null}
            onChanged={() => void view.run()}
            onDeleted={() => onDeleted?.()}
          />
        )}
        {tab === 'produce' && (
          <ProduceForm
            client={client}
            connection={connection}
            topic={topic}
            partitions={view.data?.partitions.length ?? null}
            onProduced={() => void view.run()}
          />
        )}
      </Tabs>
    </div>
  );
}

function Partitions({ view }: { view: TopicView | null }) {
  if (!view) return <p className="kf-muted">Loading…</p>;
  return (
    <table className="kf-table">
      <caption>Partitions</caption>
      <thead>
        <tr>
          <th scope="col">Partition</th>
          <th scope="col">Leader</th>
          <th scope="col">Replicas</th>
          <th scope="col">In sync</th>
          <th scope="col">Low offset</th>
          <th scope="col">High offset</th>
        </tr>
      </thead>
      <tbody>
        {view.partitions.map((p) => {
          const outOfSync = p.replicas.filter((r) => !p.isr.includes(r));
          return (
            <tr key={p.partition}>
              <th scope="row">{p.partition}</th>
              <td>{p.leader < 0 ? <span className="kf-error-text">none</span> : p.leader}</td>
              <td>{p.replicas.join(', ')}</td>
              <td className={outOfSync.length > 0 ? 'kf-warn-text' : undefined}>{p.isr.join(', ')}</td>
              <td className="kf-mono">{p.low}</td>
              <td className="kf-mono">{p.high}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
