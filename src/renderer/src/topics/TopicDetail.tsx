import { useId, useState } from 'react';
import type { ApiClient, TopicView } from '../../../api/index';
import { Tabs } from '../run/Tabs';
import { Table } from '../run/Table';
import { ProduceForm } from './ProduceForm';
import { ConfigEditor, ManageTopic, TemplateProduce } from './TopicAdmin';
import { RecordBrowser } from './RecordBrowser';
import { ExportDialog, ImportDialog } from './Transfer';
import { carriesDeadLetters, deadLetterSampleRequest, RedriveDialog } from './Redrive';
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
  const ids = useId();
  const [redriving, setRedriving] = useState(false);
  const [transfer, setTransfer] = useState<'export' | 'import' | null>(null);
  const view = useCall(() => client.api.topics.describe(topic, connection), [client, connection, topic]);
  const sample = useCall(
    () => client.api.topics.read(deadLetterSampleRequest(topic, connection)),
    [client, connection, topic],
  );
  const deadLetters = sample.data !== null && carriesDeadLetters(sample.data.records);
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
          className={deadLetters ? 'kf-button kf-button--primary' : undefined}
          title="Move dead letters back to the topic they came from"
          aria-describedby={deadLetters ? `${ids}-dlq` : undefined}
          onClick={() => setRedriving(true)}
        >
          Redrive…
        </button>
        {deadLetters && (
          <span id={`${ids}-dlq`} className="kf-badge kf-badge--warn">
            Dead letters: the latest records carry kflow’s dead-letter headers
          </span>
        )}
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
    <Table
      caption="Partitions"
      rows={view.partitions}
      rowKey={(p) => p.partition}
      columns={[
        { header: 'Partition', rowHeader: true, cell: (p) => p.partition },
        {
          header: 'Leader',
          cell: (p) => (p.leader < 0 ? <span className="kf-error-text">none</span> : p.leader),
        },
        { header: 'Replicas', cell: (p) => p.replicas.join(', ') },
        {
          header: 'In sync',
          // A replica missing from the in-sync set is worth a glance.
          cellProps: (p) => (p.replicas.some((r) => !p.isr.includes(r)) ? { className: 'kf-warn-text' } : {}),
          cell: (p) => p.isr.join(', '),
        },
        { header: 'Low offset', className: 'kf-mono', cell: (p) => p.low },
        { header: 'High offset', className: 'kf-mono', cell: (p) => p.high },
      ]}
    />
  );
}
