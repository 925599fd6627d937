// An embedded broker and the seam's client (src/kafka/client) on it, for the tests of one file:
// started before them and stopped after.
import { afterAll, beforeAll } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/index';
import { connect, type KafkaClient } from '../../src/kafka/client';
import { embeddedProfile } from '../../src/kafka/profile';

export interface SeamBroker {
  broker: RunningBroker;
  client: KafkaClient;
}

/** The fields are set once the file's beforeAll has run. */
export function useSeamBroker(): SeamBroker {
  const env = {} as SeamBroker;
  beforeAll(async () => {
    env.broker = await startBroker({ port: 0 });
    env.client = await connect(embeddedProfile(env.broker.bootstrap));
  });
  afterAll(async () => {
    await env.client?.close();
    await env.broker?.stop();
  });
  return env;
}
