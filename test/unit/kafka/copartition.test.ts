import { describe, expect, it } from 'vitest';
import { kafkajs } from '../../../src/kafka/kafkajs-module';
import {
  copartitionAssign,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../../src/kafka/copartition';

describe('copartition: the consumer protocol bytes', () => {
  it('a subscription is byte for byte what kafkajs writes, and decodes back', () => {
    const { MemberMetadata } = kafkajs.AssignerProtocol;
    const mine = encodeSubscription(['orders', 'customers']);
    const theirs = MemberMetadata.encode({
      version: 0,
      topics: ['orders', 'customers'],
      userData: Buffer.alloc(0),
    });
    expect(mine.equals(theirs)).toBe(true);
    // int16 version, int32 count, (int16 len + 6) + (int16 len + 9), int32 userData length
    expect(mine.length).toBe(2 + 4 + 8 + 11 + 4);
    expect(decodeSubscription(mine)).toEqual(['orders', 'customers']);
  });

  it('an assignment is byte for byte what kafkajs writes; kafkajs and this module read each other', () => {
    const { MemberAssignment } = kafkajs.AssignerProtocol;
    const a = { orders: [0, 2], customers: [1] };
    const mine = encodeAssignment(a);
    const theirs = MemberAssignment.encode({ version: 0, assignment: a, userData: Buffer.alloc(0) });
    expect(mine.equals(theirs)).toBe(true);
    expect(decodeAssignment(theirs)).toEqual(a);
    expect(MemberAssignment.decode(mine)?.assignment).toEqual(a);
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({});
  });

  it('a truncated assignment fails naming what it is', () => {
    const bytes = encodeAssignment({ orders: [0, 1] }).subarray(0, 12);
    expect(() => decodeAssignment(bytes)).toThrow(/consumer assignment/);
  });

  it('assigns the union of subscriptions, co-partitioned topics together', () => {
    // Units sorted: g:0/0, g:0/1, t:audit/0 → m1, m2, m1.
    const dealt = copartitionAssign(
      [
        { memberId: 'm2', topics: ['left', 'right'] },
        { memberId: 'm1', topics: ['left', 'right', 'audit'] },
      ],
      (t) => (t === 'audit' ? [0] : [0, 1]),
      [['left', 'right']],
    );
    expect(dealt.get('m1')).toEqual({ left: [0], right: [0], audit: [0] });
    expect(dealt.get('m2')).toEqual({ left: [1], right: [1] });
  });
});
