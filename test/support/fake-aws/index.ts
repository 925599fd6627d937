/**
 * A loopback fake of the AWS endpoints `kflow deploy` calls, with state:
 * MSK and MSK Connect (REST-JSON), IAM (query protocol, XML answers),
 * CloudWatch Logs, ECS, Secrets Manager (JSON 1.1) and CloudWatch (JSON 1.0).
 * Point every SDK client at `url` (`kflow deploy --endpoint`). The service is
 * told apart by the SigV4 credential scope the SDK signs with.
 *
 * Clusters, custom plugins and connectors move CREATING → ACTIVE / RUNNING
 * (UPDATING → RUNNING) `delayMs` after the call, as AWS does (in minutes).
 * Secret values are never stored: a secret is a name that exists or not.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleIam } from './iam';
import { handleJson } from './json';
import { handleRest } from './rest';
import { newFakeState, type FakeState } from './state';

export type { FakeState } from './state';

export interface FakeCall {
  service: string;
  operation: string;
  input: Record<string, unknown>;
  /** Not a Describe/List/Get: the call changes something. */
  mutating: boolean;
}

export interface FakeAws {
  url: string;
  state: FakeState;
  calls: FakeCall[];
  /** The calls that changed something, as `service Operation`. */
  mutatingCalls(): string[];
  stop(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class FakeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeRequest {
  method: string;
  /** Raw path segments, each URL-decoded (ARNs contain `/`, which the SDK sends as %2F). */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface ServiceContext {
  state: FakeState;
  record(operation: string, input: Record<string, unknown>): void;
}

const READ_ONLY = /^(Describe|List|Get)/;

function scope(req: IncomingMessage): string {
  const auth = String(req.headers['authorization'] ?? '');
  return /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1] ?? '';
}

export async function startFakeAws(
  opts: { delayMs?: number; region?: string; accountId?: string } = {},
): Promise<FakeAws> {
  const state = newFakeState({
    delayMs: opts.delayMs ?? 50,
    region: opts.region ?? 'us-east-1',
    accountId: opts.accountId ?? '123456789012',
  });
  const calls: FakeCall[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      segments: url.pathname.split('/').filter(Boolean).map(decodeURIComponent),
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const service = scope(req);
    const ctx: ServiceContext = {
      state,
      record: (operation, input) =>
        calls.push({ service, operation, input, mutating: !READ_ONLY.test(operation) }),
    };
    let reply: Reply;
    if (service === 'kafka' || service === 'kafkaconnect') reply = handleRest(service, request, ctx);
    else if (service === 'iam') reply = handleIam(request, ctx);
    else if (['logs', 'ecs', 'monitoring', 'secretsmanager'].includes(service))
      reply = handleJson(service, request, ctx);
    else reply = { status: 400, headers: {}, body: `fake-aws: no service for credential scope "${service}"` };
    res.writeHead(reply.status, { 'content-length': Buffer.byteLength(reply.body), ...reply.headers });
    res.end(reply.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    calls,
    mutatingCalls: () => calls.filter((c) => c.mutating).map((c) => `${c.service} ${c.operation}`),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
