import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../api/index';
import { Tabs } from '../run/Tabs';
import { GroupsView } from './GroupsView';
import { TopicDetail } from './TopicDetail';
import { TopicList } from './TopicList';
import '../run/run.css';
import './topics.css';

export interface TopicsViewProps {
  client: ApiClient;
  /** A connection name from `connections.list()`; the backend's default (embedded) when absent. */
  connection?: string;
  /** Opens this topic first (e.g. from the run panel's dead-letter link); changing it opens another. */
  initialTopic?: string;
}

/** The topic tools: topics with their partitions, config and records, produce, and consumer groups. */
export function TopicsView({ client, connection, initialTopic }: TopicsViewProps) {
  const [tab, setTab] = useState<'topics' | 'groups'>('topics');
  const [topic, setTopic] = useState<string | null>(initialTopic ?? null);
  const [rates, setRates] = useState<Record<string, number>>({});
  const [listKey, setListKey] = useState(0);
  useEffect(() => {
    if (initialTopic) {
      setTopic(initialTopic);
      setTab('topics');
    }
  }, [initialTopic]);
  return (
    <section className="kf-topics" aria-label="Topics">
      <Tabs
        label="Topic tools"
        selected={tab}
        onSelect={(id) => setTab(id as 'topics' | 'groups')}
        tabs={[
          { id: 'topics', label: 'Topics' },
          { id: 'groups', label: 'Consumer groups' },
        ]}
      >
        {tab === 'topics' ? (
          <div className="kf-topics__split">
            <TopicList
              key={listKey}
              client={client}
              connection={connection}
              selected={topic}
              onSelect={setTopic}
              onRates={setRates}
            />
            {topic ? (
              <TopicDetail
                key={`${connection ?? ''}\u0000${topic}`}
                client={client}
                connection={connection}
                topic={topic}
                rate={rates[topic] ?? null}
                onDeleted={() => {
                  setTopic(null);
                  setListKey((k) => k + 1);
                }}
              />
            ) : (
              <p className="kf-empty">Pick a topic to see its partitions, config and records.</p>
            )}
          </div>
        ) : (
          <GroupsView client={client} connection={connection} />
        )}
      </Tabs>
    </section>
  );
}
