import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../../../src/kafka/client';
import { WireClient, wireClientFor, wireOptions } from '../../../../src/kafka/wire/index';

const secrets = () => 'p4ss';

afterEach(() => {
  delete process.env['KFLOW_KAFKA_CLIENT'];
});

describe('wireClientFor', () => {
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
    const wire = wireClientFor(client);
    expect(wire).toBeInstanceOf(WireClient);
    expect(wire!.cluster.opts).toMatchObject({
      bootstrap: ['127.0.0.1:1'],
      tls: { rejectUnauthorized: false },
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'p4ss' },
    });
    wire!.close();
    await client.close();
  });

  it('is undefined for AWS IAM and when KFLOW_KAFKA_CLIENT=kafkajs', async () => {
    const iam = await connect({
      name: 'msk',
      bootstrap: ['b-1.example.com:9098'],
      tls: {},
      sasl: { mechanism: 'aws-iam', region: 'eu-west-1' },
    });
    expect(wireClientFor(iam)).toBeUndefined();
    await iam.close();
    const plain = await connect({ name: 'plain', bootstrap: ['127.0.0.1:1'] });
    process.env['KFLOW_KAFKA_CLIENT'] = 'kafkajs';
    expect(wireClientFor(plain)).toBeUndefined();
    delete process.env['KFLOW_KAFKA_CLIENT'];
    const wire = wireClientFor(plain);
    expect(wire?.cluster.opts.tls).toBeUndefined();
    expect(wire?.cluster.opts.sasl).toBeUndefined();
    wire?.close();
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
