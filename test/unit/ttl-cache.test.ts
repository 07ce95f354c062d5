import { afterEach, describe, expect, it, vi } from 'vitest';
import { TtlCache } from '../../shared/adapters/ttl-cache';

afterEach(() => {
  vi.useRealTimers();
});

describe('TtlCache', () => {
  it('loads a key once while it is fresh, again once it is older than the time to live', async () => {
    vi.useFakeTimers();
    const cache = new TtlCache<number>(1_000);
    const load = vi.fn(async () => load.mock.calls.length);
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('a', load)).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(await cache.get('a', load)).toBe(2);
    cache.forget('a');
    expect(await cache.get('a', load)).toBe(3);
  });

  it('keeps no failed load: the next call tries again', async () => {
    const cache = new TtlCache<string>(60_000);
    await expect(cache.get('k', async () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(await cache.get('k', async () => 'ok')).toBe('ok');
  });
});
