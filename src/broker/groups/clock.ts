/**
 * @module broker/groups/clock
 * Time as the group coordinator sees it. Session expiry, rebalance timeouts and
 * the initial rebalance delay all go through a {@link GroupClock}, so unit tests
 * drive them with {@link ManualClock} instead of sleeping.
 */

export interface GroupTimer {
  cancel(): void;
}

export interface GroupClock {
  now(): number;
  /** Runs `fn` once after `ms` milliseconds unless cancelled first. */
  schedule(ms: number, fn: () => void): GroupTimer;
}

/** Wall-clock timers; unref'd so a forgotten coordinator never keeps the process alive. */
export const systemClock: GroupClock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to; timers fire in due order inside {@link advance}. */
export class ManualClock implements GroupClock {
  private time: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(ms: number, fn: () => void): GroupTimer {
    const p: Pending = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.pending.push(p);
    return {
      cancel: () => {
        p.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order (timers scheduled meanwhile included). */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.pending) {
        if (p.at <= until && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      }
      if (!next) break;
      this.time = Math.max(this.time, next.at);
      next.cancelled = true;
      next.fn();
    }
    this.time = until;
  }

  /** Timers still due to fire (tests assert that close() cancelled them). */
  get activeTimers(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }
}
