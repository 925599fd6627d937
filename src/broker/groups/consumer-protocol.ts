/**
 * @module broker/groups/consumer-protocol
 * Just enough of the "consumer" embedded protocol (ConsumerProtocolSubscription)
 * for OffsetDelete to know which topics a live group is subscribed to. The
 * broker is otherwise protocol-agnostic: it never looks inside metadata or
 * assignments.
 */

/**
 * Topics of a ConsumerProtocolSubscription (every version, 0-3, starts with
 * int16 version + array of int16-length strings). Undefined when unreadable.
 */
export function subscribedTopics(metadata: Buffer): string[] | undefined {
  try {
    let pos = 2;
    const count = metadata.readInt32BE(pos);
    pos += 4;
    if (count < 0 || count > metadata.length) return undefined;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) {
      const len = metadata.readInt16BE(pos);
      pos += 2;
      if (len < 0 || pos + len > metadata.length) return undefined;
      topics.push(metadata.toString('utf8', pos, pos + len));
      pos += len;
    }
    return topics;
  } catch {
    return undefined;
  }
}
