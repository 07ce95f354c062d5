import { describe, expect, it } from 'vitest';
import { BloomFilter } from '../../shared/domain/bloom-filter';

// Keys shaped like the importer's: invoice homes and match keys.
const key = (i: number) => (i % 3 === 0 ? `i:INV-${i}-0` : i % 3 === 1 ? `k:email:debtor${i}@example.com` : `k:phone:+44770090${String(i).padStart(4, '0')}`);
const other = (i: number) => `k:np:someone else ${i}|N${i % 90}AB`;

const falsePositives = (f: BloomFilter, probes: number) => {
  let fp = 0;
  for (let i = 0; i < probes; i++) if (f.mayContain(other(i))) fp++;
  return fp / probes;
};

describe('BloomFilter', () => {
  it('an empty filter contains nothing', () => {
    const f = new BloomFilter({ expectedKeys: 1000, falsePositiveRate: 0.01, maxBytes: 1e6 });
    expect(f.mayContain('i:INV-1')).toBe(false);
    expect(f.sizeBytes).toBe(0);
  });

  it('has no false negatives over many keys, and its false-positive rate is near the target', () => {
    const n = 300_000;
    const f = new BloomFilter({ expectedKeys: n, falsePositiveRate: 0.01, maxBytes: 16e6 });
    for (let i = 0; i < n; i++) f.add(key(i));
    for (let i = 0; i < n; i++) if (!f.mayContain(key(i))) throw new Error(`false negative for ${key(i)}`);
    const rate = falsePositives(f, 200_000);
    expect(rate).toBeGreaterThan(0.005);
    expect(rate).toBeLessThan(0.015);
    // About 9.6 bits a key at 1%.
    expect(f.sizeBytes).toBeGreaterThan((n * 9) / 8);
    expect(f.sizeBytes).toBeLessThan((n * 10.5) / 8);
  });

  it('grows past its estimate without false negatives and keeps the rate below twice the target', () => {
    const n = 200_000;
    const f = new BloomFilter({ expectedKeys: n / 20, falsePositiveRate: 0.01, maxBytes: 16e6 });
    for (let i = 0; i < n; i++) f.add(key(i));
    for (let i = 0; i < n; i++) if (!f.mayContain(key(i))) throw new Error(`false negative for ${key(i)}`);
    expect(falsePositives(f, 100_000)).toBeLessThan(0.02);
    expect(f.useful).toBe(true);
  });

  it('past its memory cap answers "maybe" for every key (never a false negative), and stops growing', () => {
    const f = new BloomFilter({ expectedKeys: 1000, falsePositiveRate: 0.01, maxBytes: 4096 });
    for (let i = 0; i < 20_000; i++) f.add(key(i));
    expect(f.useful).toBe(false);
    expect(f.sizeBytes).toBe(0);
    for (let i = 0; i < 20_000; i++) expect(f.mayContain(key(i))).toBe(true);
    expect(f.mayContain('anything')).toBe(true);
  });

  it('refuses a rate outside (0, 1)', () => {
    expect(() => new BloomFilter({ expectedKeys: 10, falsePositiveRate: 0, maxBytes: 1e6 })).toThrow(RangeError);
  });
});
