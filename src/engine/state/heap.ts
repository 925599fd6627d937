/**
 * @module engine/state/heap
 * A binary min-heap, for expiring window entries in end-time order.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get length(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(a[i] as T, a[parent] as T)) break;
      [a[i], a[parent]] = [a[parent] as T, a[i] as T];
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < a.length && this.less(a[l] as T, a[min] as T)) min = l;
        if (r < a.length && this.less(a[r] as T, a[min] as T)) min = r;
        if (min === i) break;
        [a[i], a[min]] = [a[min] as T, a[i] as T];
        i = min;
      }
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
