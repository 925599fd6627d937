// An embedded broker and a client of it for the tests of one file: started before them, stopped
// after. useSeamBroker's client is the seam's (src/kafka/client).
import { afterAll, beforeAll } from 'vitest';
import { startBroker, type RunningBroker } from '../../src/broker/index';
import { connect, type KafkaClient } from '../../src/kafka/client';
import { embeddedProfile } from '../../src/kafka/profile';

export interface BrokerAndClient<C> {
  broker: RunningBroker;
  client: C;
}

/** `open` makes the client from the broker's bootstrap address; the fields are set once the file's beforeAll has run. */
export function useBroker<C extends { close(): unknown }>(
  open: (bootstrap: string) => C | Promise<C>,
): BrokerAndClient<C> {
  const env = {} as BrokerAndClient<C>;
  beforeAll(async () => {
    env.broker = await startBroker({ port: 0 });
    env.client = await open(env.broker.bootstrap);
  });
  afterAll(async () => {
    await env.client?.close();
    await env.broker?.stop();
  });
  return env;
}

export const useSeamBroker = (): BrokerAndClient<KafkaClient> =>
  useBroker((bootstrap) => connect(embeddedProfile(bootstrap)));
