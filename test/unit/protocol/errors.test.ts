import { describe, expect, expectTypeOf, it } from 'vitest';
import { ErrorCode, errorForCode, kafkaErrors } from '../../../src/protocol/errors';

describe('Kafka error table', () => {
  it('has unique names and codes covering -1..133 without gaps', () => {
    const codes = kafkaErrors.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(kafkaErrors.map((e) => e.name)).size).toBe(codes.length);
    expect(codes).toEqual(Array.from({ length: 135 }, (_, i) => i - 1));
  });

  it('knows the codes the broker relies on', () => {
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.ILLEGAL_SASL_STATE).toBe(34);
    expect(ErrorCode.SASL_AUTHENTICATION_FAILED).toBe(58);
    expect(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER).toBe(45);
    expect(ErrorCode.DUPLICATE_SEQUENCE_NUMBER).toBe(46);
    expect(ErrorCode.INVALID_PRODUCER_EPOCH).toBe(47);
    expect(ErrorCode.PRODUCER_FENCED).toBe(90);
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120);
    expectTypeOf(ErrorCode.UNSUPPORTED_VERSION).toEqualTypeOf<35>();
  });

  it('classifies retriable errors and maps unknown codes', () => {
    expect(errorForCode(6)).toMatchObject({ name: 'NOT_LEADER_OR_FOLLOWER', retriable: true });
    expect(errorForCode(36).retriable).toBe(false);
    expect(errorForCode(9999).name).toBe('UNKNOWN_SERVER_ERROR');
  });
});
