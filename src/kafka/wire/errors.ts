/**
 * @module kafka/wire/errors
 * What can go wrong talking to a broker, as types a caller can branch on. Every error names the
 * broker (host:port), and the Kafka-level ones the API, topic and partition too.
 */
import { errorForCode } from '../../protocol/errors';

/** The base of every wire-client error. */
export class WireError extends Error {
  override name = 'WireError';
  constructor(
    message: string,
    /** host:port of the broker concerned. */
    readonly broker: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The connection failed or went away: refused, TLS, closed by the broker, or a timeout. */
export class WireConnectionError extends WireError {
  override name = 'WireConnectionError';
  constructor(
    broker: string,
    readonly reason: 'connect' | 'tls' | 'closed' | 'timeout',
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`broker ${broker}: ${detail}`, broker, options);
  }
}

/** The broker sent bytes that are not a valid response (or an unknown correlation id). */
export class WireProtocolError extends WireError {
  override name = 'WireProtocolError';
  constructor(broker: string, detail: string, options?: { cause?: unknown }) {
    super(`broker ${broker} sent a malformed response: ${detail}`, broker, options);
  }
}

/** SASL refused: wrong mechanism, user or password. */
export class WireAuthError extends WireError {
  override name = 'WireAuthError';
  constructor(broker: string, detail: string) {
    super(`broker ${broker}: authentication failed: ${detail}`, broker);
  }
}

/** A Kafka error code in a response, with where it applied. */
export class KafkaResponseError extends WireError {
  override name = 'KafkaResponseError';
  readonly errorName: string;
  readonly retriable: boolean;
  constructor(
    broker: string,
    readonly api: string,
    readonly errorCode: number,
    readonly topic?: string,
    readonly partition?: number,
    detail?: string | null,
  ) {
    const info = errorForCode(errorCode);
    const where =
      topic === undefined ? '' : partition === undefined ? ` for ${topic}` : ` for ${topic}[${partition}]`;
    super(
      `${api}${where} on broker ${broker}: ${info.name} (${errorCode}): ${detail ?? info.message}`,
      broker,
    );
    this.errorName = info.name;
    this.retriable = info.retriable;
  }
}

/** Codes after which the partition's leader must be looked up again. */
export const LEADER_MOVED = new Set([3, 5, 6, 74, 75]); // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH
