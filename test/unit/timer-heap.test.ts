import { describe, expect, it } from 'vitest';
import { TimerHeap, type HeapTimer } from '../../infra/local/timer-heap';

interface Named extends HeapTimer {
  name: string;
}

function drain(heap: TimerHeap<Named>): string[] {
  const out: string[] = [];
  for (let t = heap.pop(); t; t = heap.pop()) out.push(t.name);
  return out;
}

describe('TimerHeap', () => {
  it('pops timers by due instant, and timers due at one instant in the order they were set', () => {
    const heap = new TimerHeap<Named>();
    const set: [string, number][] = [['c1', 3], ['a1', 1], ['b1', 2], ['a2', 1], ['c2', 3], ['a3', 1], ['b2', 2]];
    set.forEach(([name, at], seq) => heap.push({ name, at, seq }));
    expect(heap.size).toBe(7);
    expect(drain(heap)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1', 'c2']);
    expect(heap.size).toBe(0);
  });

  it('orders thousands of timers as a sort by (instant, order set) would', () => {
    const heap = new TimerHeap<Named>();
    const timers: Named[] = [];
    let x = 12345;
    for (let seq = 0; seq < 5000; seq++) {
      x = (x * 1103515245 + 12345) % 2 ** 31; // deterministic, many ties
      const t = { name: `t${seq}`, at: x % 97, seq };
      timers.push(t);
      heap.push(t);
    }
    const sorted = [...timers].sort((a, b) => a.at - b.at || a.seq - b.seq).map((t) => t.name);
    expect(drain(heap)).toEqual(sorted);
  });

  it('never returns a cancelled timer, wherever it sits, and does not count it', () => {
    const heap = new TimerHeap<Named>();
    const timers = ['a', 'b', 'c', 'd', 'e'].map((name, seq) => ({ name, at: seq % 2, seq }));
    for (const t of timers) heap.push(t);
    heap.cancel(timers[0]!); // the top
    heap.cancel(timers[3]!); // inside
    heap.cancel(timers[3]!); // twice is once
    expect(heap.size).toBe(3);
    expect(heap.peek()?.name).toBe('c');
    expect(drain(heap)).toEqual(['c', 'e', 'b']);
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });
});
