/**
 * A Bloom filter over strings: "may this key have been added?" with no false negatives and a
 * chosen rate of false positives. The importer keeps one of every index key a client's first
 * import writes, so it can leave out lookups of keys that cannot be in the table (see
 * shared/imports/chunk-planner.ts). Pure, no dependency.
 *
 * It grows by layers (a scalable Bloom filter): the first layer is sized for the expected number
 * of keys at the target rate; when a layer is full, a new one twice as large with half the rate
 * is added, so a file larger than estimated still keeps the overall rate below twice the target.
 * Memory is about 10 bits a key at 1%. Past `maxBytes` the filter stops growing and answers
 * "maybe" for every key from then on: still no false negatives, only no more lookups saved.
 */
export interface BloomFilterOptions {
  /** Keys expected; the first layer holds this many at the target rate. */
  expectedKeys: number;
  /** Target false-positive rate, e.g. 0.01. */
  falsePositiveRate: number;
  /** The most memory the bit arrays may take, all layers together. */
  maxBytes: number;
}

interface Layer {
  bits: Uint32Array;
  /** Number of bits (a multiple of 32). */
  m: number;
  /** Hash functions. */
  k: number;
  capacity: number;
  count: number;
}

export class BloomFilter {
  private readonly layers: Layer[] = [];
  private bytes = 0;
  private nextCapacity: number;
  private nextRate: number;
  /** Set once growing would exceed maxBytes: every key may be present from then on. */
  private full = false;

  constructor(private readonly opts: BloomFilterOptions) {
    if (!(opts.falsePositiveRate > 0 && opts.falsePositiveRate < 1)) throw new RangeError('falsePositiveRate must be between 0 and 1');
    this.nextCapacity = Math.max(64, Math.ceil(opts.expectedKeys));
    this.nextRate = opts.falsePositiveRate;
  }

  /** False once the filter has given up (it answers true for every key then). */
  get useful(): boolean {
    return !this.full;
  }

  /** Memory of the bit arrays. */
  get sizeBytes(): number {
    return this.bytes;
  }

  add(key: string): void {
    if (this.full) return;
    let layer = this.layers[this.layers.length - 1];
    if (!layer || layer.count >= layer.capacity) {
      layer = this.grow();
      if (!layer) return;
    }
    const [h1, h2] = hash(key);
    for (let i = 0; i < layer.k; i++) {
      const bit = ((h1 + Math.imul(i, h2)) >>> 0) % layer.m;
      layer.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    layer.count++;
  }

  mayContain(key: string): boolean {
    if (this.full) return true;
    if (this.layers.length === 0) return false;
    const [h1, h2] = hash(key);
    for (const layer of this.layers) if (inLayer(layer, h1, h2)) return true;
    return false;
  }

  private grow(): Layer | undefined {
    const n = this.nextCapacity;
    const p = this.nextRate;
    // Optimal sizes: m = -n ln p / (ln 2)^2 bits, k = (m / n) ln 2 hash functions.
    const m = Math.ceil((-n * Math.log(p)) / (Math.LN2 * Math.LN2) / 32) * 32;
    if (this.bytes + m / 8 > this.opts.maxBytes) {
      this.full = true;
      this.layers.length = 0; // nothing to keep: every answer is "maybe" now
      this.bytes = 0;
      return undefined;
    }
    const layer: Layer = { bits: new Uint32Array(m / 32), m, k: Math.max(1, Math.round((m / n) * Math.LN2)), capacity: n, count: 0 };
    this.layers.push(layer);
    this.bytes += m / 8;
    this.nextCapacity = n * 2;
    this.nextRate = p / 2;
    return layer;
  }
}

function inLayer(layer: Layer, h1: number, h2: number): boolean {
  for (let i = 0; i < layer.k; i++) {
    const bit = ((h1 + Math.imul(i, h2)) >>> 0) % layer.m;
    if ((layer.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
  }
  return true;
}

/**
 * Two independent 32-bit hashes of a string (two multiply-xorshift lanes, cyrb53's mixing) for
 * double hashing: bit i = h1 + i * h2. h2 is made odd so its multiples do not fall into a
 * short cycle.
 */
function hash(s: string): [number, number] {
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return [a >>> 0, (b | 1) >>> 0];
}
