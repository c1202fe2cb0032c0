/**
 * Dictionary of byte-array values (strings, binary) for RLE_DICTIONARY
 * encoding. Values are hashed straight from the Arrow bytes (no JavaScript
 * strings are made): a murmur3-style hash over 4-byte words into an
 * open-addressing table; entries are copied into the dictionary's own buffer
 * so it outlives the batches it was built from.
 */
import { ValidationError } from '../../../errors.js';
import { ByteBuffer, type IntBuffer } from './buffer.js';

/** murmur3-style hash of `data[s, e)`, read as little-endian words through `dv`. */
function hashBytes(dv: DataView, data: Uint8Array, s: number, e: number): number {
  const len = e - s;
  const e4 = s + (len & ~3);
  let h = len;
  let k = s;
  for (; k < e4; k += 4) {
    let x = dv.getUint32(k, true);
    x = Math.imul(x, 0xcc9e2d51);
    x = (x << 15) | (x >>> 17);
    h ^= Math.imul(x, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  for (; k < e; k++) h = Math.imul(h ^ data[k]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Byte-array dictionary with its PLAIN encoding built as entries arrive. */
export class BytesDictionary {
  /** PLAIN encoding of the entries (4-byte length + bytes each): the dictionary page body. */
  readonly plain = new ByteBuffer(1 << 12);
  size = 0;
  /** Start of each entry's bytes in `plain` (after its length prefix). */
  private start = new Int32Array(1024);
  private len = new Int32Array(1024);
  private hash = new Int32Array(1024);
  private slots = new Int32Array(2048);
  private mask = 2047;

  /** Bytes of the dictionary page. */
  get byteSize(): number {
    return this.plain.length;
  }

  /** Start and length of entry `i` in `plain.bytes`. */
  entry(i: number): [start: number, length: number] {
    return [this.start[i]!, this.len[i]!];
  }

  /**
   * Append the dictionary indexes of values `[v0, v1)` (at `sel[v]` or `v`
   * in `offsets`/`data`) to `out`, adding new entries.
   */
  encode(offsets: Int32Array, data: Uint8Array, sel: Int32Array | null, v0: number, v1: number, out: IntBuffer): void {
    out.ensure(v1 - v0);
    const idx = out.values;
    let o = out.length;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    // Hot loop: table fields in locals, refreshed after an insert (which may grow them).
    let slots = this.slots;
    let mask = this.mask;
    let hashes = this.hash;
    let lens = this.len;
    let starts = this.start;
    let dict = this.plain.bytes;
    let ddv = new DataView(dict.buffer, dict.byteOffset, dict.byteLength);
    for (let v = v0; v < v1; v++) {
      const r = sel === null ? v : sel[v]!;
      const s = offsets[r]!;
      const e = offsets[r + 1]!;
      const len = e - s;
      const h = hashBytes(dv, data, s, e);
      let p = h & mask;
      let found = -1;
      for (;;) {
        const slot = slots[p]!;
        if (slot === 0) break;
        const d = slot - 1;
        if (hashes[d] === h && lens[d] === len) {
          const ds = starts[d]!;
          let q = 0;
          const l4 = len & ~3;
          while (q < l4 && ddv.getUint32(ds + q, true) === dv.getUint32(s + q, true)) q += 4;
          if (q === l4) while (q < len && dict[ds + q] === data[s + q]) q++;
          if (q === len) {
            found = d;
            break;
          }
        }
        p = (p + 1) & mask;
      }
      if (found < 0) {
        found = this.add(data, s, len, h, p);
        slots = this.slots;
        mask = this.mask;
        hashes = this.hash;
        lens = this.len;
        starts = this.start;
        if (dict !== this.plain.bytes) {
          dict = this.plain.bytes;
          ddv = new DataView(dict.buffer, dict.byteOffset, dict.byteLength);
        }
      }
      idx[o++] = found;
    }
    out.length = o;
  }

  /** The index of `data[s, e)` in the dictionary, adding it if new (the slow path of {@link encode}, for one value). */
  findOrAdd(data: Uint8Array, s: number, e: number): number {
    const len = e - s;
    const h = hashBytes(new DataView(data.buffer, data.byteOffset, data.byteLength), data, s, e);
    const dict = this.plain.bytes;
    let p = h & this.mask;
    for (;;) {
      const slot = this.slots[p]!;
      if (slot === 0) return this.add(data, s, len, h, p);
      const d = slot - 1;
      if (this.hash[d] === h && this.len[d] === len) {
        const ds = this.start[d]!;
        let q = 0;
        while (q < len && dict[ds + q] === data[s + q]) q++;
        if (q === len) return d;
      }
      p = (p + 1) & this.mask;
    }
  }

  private add(data: Uint8Array, s: number, len: number, h: number, slot: number): number {
    const d = this.size++;
    if (d >= this.start.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.start = grow(this.start);
      this.len = grow(this.len);
      this.hash = grow(this.hash);
    }
    this.plain.int32LE(len);
    this.start[d] = this.plain.length;
    this.plain.append(data.subarray(s, s + len));
    this.len[d] = len;
    this.hash[d] = h;
    this.slots[slot] = d + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return d;
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let d = 0; d < this.size; d++) {
      let q = this.hash[d]! & this.mask;
      while (this.slots[q] !== 0) q = (q + 1) & this.mask;
      this.slots[q] = d + 1;
    }
  }
}

/** Column chunks of a column that must give their dictionary up before new chunks of it start in PLAIN. */
export const DEFAULT_DICTIONARY_HINT_DROPS = 2;
/** While a column starts in PLAIN, every this-many-th new chunk tries the dictionary again. */
export const DICTIONARY_HINT_RETRY_EVERY = 16;

/**
 * What the column writers have learned about dictionary encoding, per
 * column: how many column chunks in a row gave their dictionary up before
 * writing a dictionary-encoded page (the values were mostly distinct). Every
 * new column chunk of a byte-array column otherwise hashes its first values
 * again just to find that out; once `drops` chunks of a column in a row gave
 * up, new chunks of it start in PLAIN. Every
 * {@link DICTIONARY_HINT_RETRY_EVERY}-th such chunk still tries, and a chunk
 * that keeps its dictionary clears the column's count, so a column whose
 * values turn repetitive gets its dictionary back.
 *
 * A {@link ParquetWriter} keeps one across its own row groups. Writers of the
 * same schema may share one (`ParquetWriteOptions.dictionaryHints`), as the
 * files of a partitioned write do: then what one file learned spares the
 * others. Hints change how pages are encoded, never the values.
 *
 * @example
 * ```ts
 * const hints = new DictionaryHints();
 * const writers = partitions.map(() => new ParquetWriter(schema, { dictionaryHints: hints }));
 * ```
 */
export class DictionaryHints {
  readonly #drops = new Map<string, number>();
  readonly #skipped = new Map<string, number>();

  /** @param drops chunks in a row that must drop their dictionary before new chunks skip it. @default DEFAULT_DICTIONARY_HINT_DROPS */
  constructor(readonly drops: number = DEFAULT_DICTIONARY_HINT_DROPS) {
    if (!Number.isSafeInteger(drops) || drops < 1) throw new ValidationError(`DictionaryHints: drops must be a positive integer, got ${drops}`);
  }

  /** Whether enough chunks of `column` in a row dropped their dictionary to judge its values distinct. */
  distinct(column: string): boolean {
    return (this.#drops.get(column) ?? 0) >= this.drops;
  }

  /**
   * Whether a new chunk of `column` (its dotted path) should try dictionary
   * encoding. Chunks that started trying before the column was judged
   * distinct give up as soon as it is (unless they are a retry).
   */
  tryDictionary(column: string): boolean {
    if (!this.distinct(column)) return true;
    const skipped = (this.#skipped.get(column) ?? 0) + 1;
    this.#skipped.set(column, skipped % DICTIONARY_HINT_RETRY_EVERY);
    return skipped % DICTIONARY_HINT_RETRY_EVERY === 0;
  }

  /** A chunk of `column` gave its dictionary up before writing a dictionary-encoded page. */
  dropped(column: string): void {
    this.#drops.set(column, (this.#drops.get(column) ?? 0) + 1);
  }

  /**
   * `column` was found mostly distinct by other means (say, a whole batch
   * hashed before it was split into files): new chunks start in PLAIN at once,
   * as if `drops` chunks had given their dictionary up.
   */
  markDistinct(column: string): void {
    this.#drops.set(column, Math.max(this.drops, this.#drops.get(column) ?? 0));
  }

  /** A chunk of `column` wrote dictionary-encoded pages. */
  kept(column: string): void {
    this.#drops.delete(column);
    this.#skipped.delete(column);
  }

  /** Chunks of `column` that dropped their dictionary since one last kept it. */
  dropsOf(column: string): number {
    return this.#drops.get(column) ?? 0;
  }
}
