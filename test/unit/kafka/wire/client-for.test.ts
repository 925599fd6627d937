import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../../../src/kafka/client';
import { WireClient, wireOptions } from '../../../../src/kafka/wire/index';

const secrets = () => 'p4ss';

afterEach(() => {
  delete process.env['KFLOW_KAFKA_CLIENT'];
});

describe('KafkaClient.wire()', () => {
  it('reuses the seam client’s resolved TLS and SASL settings', async () => {
    const client = await connect(
      {
        name: 'scram',
        bootstrap: ['127.0.0.1:1'],
        tls: { rejectUnauthorized: false },
        sasl: { mechanism: 'scram-sha-512', username: 'alice', password: { secret: 's' } },
      },
      { secrets },
    );
    const wire = client.wire();
    expect(wire).toBeInstanceOf(WireClient);
    expect(wire!.cluster.opts).toMatchObject({
      bootstrap: ['127.0.0.1:1'],
      tls: { rejectUnauthorized: false },
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'p4ss' },
    });
    await client.close();
  });

  it('is one wire client per seam client, closed with it', async () => {
    const client = await connect({ name: 'plain', bootstrap: ['127.0.0.1:1'] });
    const wire = client.wire();
    expect(wire).toBeDefined();
    expect(client.wire()).toBe(wire);
    await client.close();
    await expect(wire!.cluster.connectTo({ host: '127.0.0.1', port: 1 })).rejects.toThrow(
      'the client is closed',
    );
  });

  it('is undefined for AWS IAM and when KFLOW_KAFKA_CLIENT=kafkajs', async () => {
    const iam = await connect({
      name: 'msk',
      bootstrap: ['b-1.example.com:9098'],
      tls: {},
      sasl: { mechanism: 'aws-iam', region: 'eu-west-1' },
    });
    expect(iam.wire()).toBeUndefined();
    await iam.close();
    process.env['KFLOW_KAFKA_CLIENT'] = 'kafkajs';
    const forced = await connect({ name: 'plain', bootstrap: ['127.0.0.1:1'] });
    expect(forced.wire()).toBeUndefined();
    await forced.close();
    delete process.env['KFLOW_KAFKA_CLIENT'];
    const plain = await connect({ name: 'plain', bootstrap: ['127.0.0.1:1'] });
    const wire = plain.wire();
    expect(wire?.cluster.opts.tls).toBeUndefined();
    expect(wire?.cluster.opts.sasl).toBeUndefined();
    await plain.close();
  });

  it('wireOptions resolves a profile’s secrets itself', async () => {
    const o = await wireOptions(
      {
        name: 'p',
        bootstrap: ['h:9092'],
        sasl: { mechanism: 'plain', username: 'u', password: { secret: 'x' } },
      },
      secrets,
    );
    expect(o.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p4ss' });
  });
});
