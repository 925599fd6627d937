import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../../../src/broker/api';
import { makeTestCertificates } from '../../../../src/broker/auth/certs';
import { CredentialStore, loadUsersFile, parseUsersFile } from '../../../../src/broker/auth/credentials';
import { UsersFileError } from '../../../../src/broker/auth/errors';
import { parsePlainMessage } from '../../../../src/broker/auth/plain';
import { enabledMechanisms, saslStep } from '../../../../src/broker/auth/session';
import { principalFromCertificate, tlsServerOptions } from '../../../../src/broker/auth/tls';
import type { Cluster } from '../../../../src/broker/cluster';

const b = (s: string) => Buffer.from(s, 'utf8');

function fakeCluster(
  users = [{ name: 'alice', password: 'alice-secret' }],
  saslMechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
) {
  return { options: { users, saslMechanisms }, logger: pino({ level: 'silent' }) } as unknown as Cluster;
}

function conn(sasl: ConnectionInfo['sasl']): ConnectionInfo {
  return { id: 1, brokerId: 0, remoteAddress: '127.0.0.1:1', clientId: null, principal: null, sasl };
}

describe('PLAIN message (RFC 4616)', () => {
  it('parses authzid, user and password', () => {
    expect(parsePlainMessage(b('\0alice\0pw'))).toEqual({ authzid: '', user: 'alice', password: 'pw' });
    expect(parsePlainMessage(b('alice\0alice\0pw'))).toEqual({
      authzid: 'alice',
      user: 'alice',
      password: 'pw',
    });
  });
  it.each([
    ['two fields', 'alice\0pw', /malformed/],
    ['four fields', '\0alice\0pw\0x', /malformed/],
    ['empty user', '\0\0pw', /username not specified/],
    ['empty password', '\0alice\0', /password not specified/],
    ['authzid of someone else', 'admin\0alice\0pw', /authorization id/],
  ])('rejects %s', (_w, msg, err) => {
    expect(() => parsePlainMessage(b(msg))).toThrow(err);
  });
});

describe('SASL session state', () => {
  it('PLAIN: handshaken -> done with principal User:<name> and an empty response', () => {
    const c = conn({ step: 'handshaken', mechanism: 'PLAIN', legacy: false });
    const r = saslStep(c, b('\0alice\0alice-secret'), fakeCluster());
    expect(r).toEqual({ ok: true, done: true, response: Buffer.alloc(0) });
    expect(c.sasl).toEqual({ step: 'done', mechanism: 'PLAIN' });
    expect(c.principal).toBe('User:alice');
  });

  it('PLAIN: a wrong password and an unknown user fail with the same message, state failed', () => {
    for (const token of ['\0alice\0wrong', '\0bob\0alice-secret']) {
      const c = conn({ step: 'handshaken', mechanism: 'PLAIN', legacy: false });
      const r = saslStep(c, b(token), fakeCluster());
      expect(r).toEqual({
        ok: false,
        kind: 'credentials',
        message: 'authentication failed: invalid credentials',
      });
      expect(c.sasl.step).toBe('failed');
      expect(c.principal).toBeNull();
    }
  });

  it('SCRAM: handshaken -> in-progress (server-first) -> failed on a bad proof', () => {
    const c = conn({ step: 'handshaken', mechanism: 'SCRAM-SHA-512', legacy: false });
    const cluster = fakeCluster();
    const first = saslStep(c, b('n,,n=alice,r=clientnonce'), cluster);
    expect(first.ok && first.done).toBe(false);
    expect(c.sasl.step).toBe('in-progress');
    const serverFirst = first.ok ? first.response.toString() : '';
    const nonce = /^r=([^,]+),s=[^,]+,i=4096$/.exec(serverFirst)?.[1] ?? '';
    expect(nonce.startsWith('clientnonce')).toBe(true);
    expect(nonce.length).toBeGreaterThan('clientnonce'.length + 16);
    const proof = Buffer.alloc(64).toString('base64');
    const final = saslStep(c, b(`c=biws,r=${nonce},p=${proof}`), cluster);
    expect(final).toMatchObject({ ok: false, kind: 'credentials' });
    expect(c.sasl.step).toBe('failed');
  });

  it('a token before the handshake or after success is a state error', () => {
    const before = conn({ step: 'none' });
    expect(saslStep(before, b('\0alice\0alice-secret'), fakeCluster())).toMatchObject({
      ok: false,
      kind: 'state',
    });
    expect(before.sasl.step).toBe('failed');
    const after = conn({ step: 'done', mechanism: 'PLAIN' });
    expect(saslStep(after, b('\0alice\0alice-secret'), fakeCluster())).toMatchObject({
      ok: false,
      kind: 'state',
    });
  });

  it('enabled mechanisms are the configured ones this broker implements', () => {
    expect(enabledMechanisms(fakeCluster(undefined, ['SCRAM-SHA-512', 'GSSAPI', 'PLAIN']))).toEqual([
      'SCRAM-SHA-512',
      'PLAIN',
    ]);
  });

  it('the store verifies PLAIN passwords without keeping them', () => {
    const store = new CredentialStore([{ name: 'alice', password: 'alice-secret' }]);
    expect(store.verifyPassword('alice', 'alice-secret')).toBe(true);
    expect(store.verifyPassword('alice', 'alice-secret ')).toBe(false);
    expect(store.verifyPassword('nobody', 'alice-secret')).toBe(false);
    expect(
      () =>
        new CredentialStore([
          { name: 'a', password: 'x' },
          { name: 'a', password: 'y' },
        ]),
    ).toThrow(/twice/);
    // A decoy salt is stable per name, so probing twice does not reveal an unknown user.
    expect(store.decoy('SCRAM-SHA-256', 'nobody').salt).toEqual(store.decoy('SCRAM-SHA-256', 'nobody').salt);
  });
});

describe('users file', () => {
  it('reads { "users": [{ name, password }] }', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kflow-users-'));
    const file = path.join(dir, 'users.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        users: [
          { name: 'alice', password: 'a' },
          { name: 'bob', password: 'b' },
        ],
      }),
    );
    expect(loadUsersFile(file)).toEqual([
      { name: 'alice', password: 'a' },
      { name: 'bob', password: 'b' },
    ]);
    fs.rmSync(dir, { recursive: true });
  });

  it.each([
    ['not JSON', '{users', /not valid JSON/],
    ['no users array', '{"user": []}', /expected/],
    ['a user without password', '{"users":[{"name":"a"}]}', /users\[0\]\.password/],
    ['a duplicate', '{"users":[{"name":"a","password":"x"},{"name":"a","password":"y"}]}', /listed twice/],
  ])('rejects %s with the file name', (_w, text, err) => {
    expect(() => parseUsersFile(text, '/etc/kflow/users.json')).toThrow(err);
    expect(() => parseUsersFile(text, '/etc/kflow/users.json')).toThrow(/\/etc\/kflow\/users\.json/);
  });

  it('a missing file is a UsersFileError naming it', () => {
    expect(() => loadUsersFile('/nonexistent/users.json')).toThrow(UsersFileError);
    expect(() => loadUsersFile('/nonexistent/users.json')).toThrow(
      'users file /nonexistent/users.json: ENOENT',
    );
  });
});

describe('TLS helpers', () => {
  it('principal is Kafka DEFAULT mapping: the subject DN, most specific RDN first', () => {
    expect(principalFromCertificate({ subject: 'CN=alice' })).toBe('User:CN=alice');
    expect(principalFromCertificate({ subject: 'C=US\nO=Example, Inc.\nCN=alice' })).toBe(
      'User:CN=alice,O=Example\\, Inc.,C=US',
    );
    expect(principalFromCertificate({ subject: '' })).toBeNull();
  });

  it('listener options: TLS 1.2 minimum; client certificates required, requested or not asked for', () => {
    const base = { cert: 'C', key: 'K' };
    expect(tlsServerOptions(base)).toMatchObject({
      minVersion: 'TLSv1.2',
      requestCert: false,
      rejectUnauthorized: false,
    });
    expect(tlsServerOptions({ ...base, ca: 'CA' })).toMatchObject({
      requestCert: true,
      rejectUnauthorized: false,
    });
    expect(tlsServerOptions({ ...base, ca: 'CA', requireClientCert: true })).toMatchObject({
      requestCert: true,
      rejectUnauthorized: true,
    });
    expect(() => tlsServerOptions({ ...base, requireClientCert: true })).toThrow(/needs tls.ca/);
  });

  it('makeTestCertificates: CA-signed server (SANs) and client certificates', () => {
    const certs = makeTestCertificates({ hosts: ['127.0.0.1', 'localhost'], clients: ['alice', 'bob'] });
    const ca = new X509Certificate(certs.ca);
    const server = new X509Certificate(certs.server.cert);
    const alice = new X509Certificate(certs.clients['alice']?.cert ?? '');
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(alice.checkIssued(ca) && alice.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(alice.subject).toBe('CN=alice');
    expect(Object.keys(certs.clients)).toEqual(['alice', 'bob']);
    expect(certs.server.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(alice.checkPrivateKey(createPrivateKey(certs.clients['alice']?.key ?? ''))).toBe(true);
  });
});
