/**
 * @module kafka/kafkajs-rebalance
 * kafkajs 2.2.4 has no onPartitionsRevoked: on a rebalance its consumer stops fetching, waits for
 * the batches in hand, and sends JoinGroup again, and only then learns its new partitions. Java's
 * eager consumer calls onPartitionsRevoked(all partitions) at that point, before rejoining, which
 * is where Kafka Streams flushes and commits a task's output so that the next owner of a partition
 * starts exactly where this one stopped.
 *
 * This wraps kafkajs' Broker#joinGroup (shared by every consumer of the process) so that a rejoin
 * of a member that registered a hook awaits it first. The group coordinator waits for every
 * member's JoinGroup (up to the rebalance timeout) before it hands out partitions, so nothing this
 * member owned is assigned elsewhere until the hook is done. A first join (no member id yet) owns
 * nothing and runs no hook.
 */
import { createRequire } from 'node:module';

type JoinArgs = { memberId?: string } & Record<string, unknown>;
type JoinFn = (this: unknown, args: JoinArgs) => Promise<unknown>;

const hooks = new Map<string, () => Promise<void>>();
let installed: boolean | undefined;

function install(): boolean {
  if (installed !== undefined) return installed;
  try {
    const require = createRequire(import.meta.url);
    const Broker = require('kafkajs/src/broker') as { prototype: { joinGroup: JoinFn } };
    const join = Broker.prototype.joinGroup;
    Broker.prototype.joinGroup = async function (this: unknown, args: JoinArgs) {
      const hook = args.memberId ? hooks.get(args.memberId) : undefined;
      // The hook reports its own failures; the member rejoins whatever happened.
      if (hook) await hook().catch(() => undefined);
      return join.call(this, args);
    };
    installed = true;
  } catch {
    // A bundle without node_modules paths: no hook, rebalances behave as plain kafkajs.
    installed = false;
  }
  return installed;
}

/**
 * Runs `hook` before the member `memberId` rejoins its group (its partitions are revoked then);
 * returns the function that removes it. False when kafkajs could not be hooked.
 */
export function beforeRejoin(memberId: string, hook: () => Promise<void>): (() => void) | false {
  if (!install()) return false;
  hooks.set(memberId, hook);
  return () => {
    if (hooks.get(memberId) === hook) hooks.delete(memberId);
  };
}
