/** A timer in a TimerHeap: due at `at`, `seq` its insertion order (ties at one instant keep it). */
export interface HeapTimer {
  at: number;
  seq: number;
  /** Set by `cancel()`: the timer stays in the array until it reaches the top, then is dropped. */
  cancelled?: boolean;
}

/**
 * A binary min-heap of timers keyed by (due instant, insertion order): push and pop are
 * O(log n), so a clock holding 200,000 sleeping workflows finds the next due ones without
 * scanning them all. Cancelling marks the timer and leaves it for `pop()` to drop (lazy
 * deletion), so it is O(1) too; `size` counts only timers still live.
 */
export class TimerHeap<T extends HeapTimer> {
  private readonly items: T[] = [];
  private cancelled = 0;

  get size(): number {
    return this.items.length - this.cancelled;
  }

  push(timer: T): void {
    const a = this.items;
    a.push(timer);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  /** The earliest live timer, left in place. */
  peek(): T | undefined {
    this.dropCancelled();
    return this.items[0];
  }

  /** Takes out and returns the earliest live timer. */
  pop(): T | undefined {
    this.dropCancelled();
    return this.take();
  }

  cancel(timer: T): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.cancelled++;
  }

  private dropCancelled(): void {
    while (this.items[0]?.cancelled) {
      this.take();
      this.cancelled--;
    }
  }

  private take(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && before(a[l]!, a[m]!)) m = l;
      if (r < a.length && before(a[r]!, a[m]!)) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
    return top;
  }
}

function before(x: HeapTimer, y: HeapTimer): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
