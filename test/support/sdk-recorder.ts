/**
 * A configuration for a real AWS SDK v3 client whose request handler records each serialised,
 * signed HTTP request and answers 200 `{}` without any network: tests check what MSK would be
 * sent, member names included. The credentials are placeholders, not a secret.
 */
import { Readable } from 'node:stream';

export interface Recorded {
  method: string;
  /** Decoded, so ARNs read as written. */
  path: string;
  body: Record<string, unknown>;
}

export function recordingConfig(sink: Recorded[]) {
  return {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    requestHandler: {
      handle: async (request: { method: string; path: string; body?: unknown }) => {
        const raw = request.body as string | Uint8Array | undefined;
        const text = raw === undefined ? '' : typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
        sink.push({
          method: request.method,
          path: decodeURIComponent(request.path),
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        });
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/json' },
            body: Readable.from([Buffer.from('{}')]),
          },
        };
      },
    },
  };
}
