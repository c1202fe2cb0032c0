/**
 * Writes one column chunk: buffers a row group's values for one leaf column,
 * cuts v1 data pages at the page size (on record boundaries for repeated
 * columns), compresses each page as it is cut, and keeps statistics.
 *
 * Encodings: levels RLE/bit-packed; booleans and fixed-width values PLAIN
 * (fixed-width pages reference the Arrow buffers until compressed);
 * byte arrays RLE_DICTIONARY with a PLAIN fallback, decided as parquet-mr
 * does: when the first page would not be smaller than PLAIN, the dictionary
 * is dropped; when it outgrows the dictionary size later, the chunk goes on
 * in PLAIN after the dictionary-encoded pages.
 */
import type { Compressor } from '../../compression/codec.js';
import { ByteBuffer, IntBuffer } from './buffer.js';
import { BytesDictionary, type DictionaryHints } from './dictionary.js';
import { dataPageHeader, dictionaryPageHeader, Encoding, PhysicalType } from './format.js';
import { bitWidth, encodeConstantLevels, encodeHybrid, encodeLevels } from './rle.js';
import type { LeafColumn } from './schema.js';
import type { LeafBatch } from './shred.js';
import { appendLevels, appendPlainByteArrays } from './plain.js';
import { ChunkStats, compareUnsigned } from './stats.js';
import type { LeafValues } from './values.js';

/** Page and dictionary limits for a column writer. */
export interface ColumnWriterOptions {
  pageSizeBytes: number;
  dictSizeBytes: number;
  /** Use RLE_DICTIONARY for byte arrays. */
  dictionary: boolean;
  /** Learned across chunks: whether this column's chunks should try the dictionary at all. */
  hints?: DictionaryHints;
  /** Cut a page after this many level entries even below the page size. */
  pageRowLimit?: number;
  compressor: Compressor;
}

/** The early dictionary check waits for this many values of the first page... */
const EARLY_DROP_MIN_VALUES = 4096;
/** ...and drops the dictionary when more than this share of them are distinct. */
const EARLY_DROP_DISTINCT_RATIO = 0.75;

interface PageRecord {
  dict: boolean;
  entries: number;
  encoding: number;
  uncompressed: number;
  body: Uint8Array[] | Promise<Uint8Array>;
}

/** A finished column chunk, ready to be placed in the file. */
export interface FinishedChunk {
  parts: Uint8Array[];
  /** Bytes of the dictionary page (header included); 0 without one. */
  dictionaryPageBytes: number;
  totalCompressedSize: number;
  totalUncompressedSize: number;
  numValues: number;
  encodings: number[];
  stats: ChunkStats;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let p = 0;
  for (const x of parts) {
    out.set(x, p);
    p += x.length;
  }
  return out;
}

/** Buffers and encodes one leaf column of one row group. */
export class ColumnChunkWriter {
  readonly stats: ChunkStats;
  private readonly def = new ByteBuffer();
  private readonly rep = new ByteBuffer();
  private entries = 0;
  /** The open page's levels are all maxDef / all 0 so far (nothing stored in def/rep yet). */
  private defConstant = true;
  private repConstant = true;
  private fixedParts: Uint8Array[] = [];
  private fixedBytes = 0;
  private readonly plain = new ByteBuffer();
  private boolBits = 0;
  private readonly idx = new IntBuffer();
  private dict: BytesDictionary | undefined;
  /** For dictionary-encoded Arrow input: source key → index in `dict` (-1 unseen), for the source `remapFor`. */
  private remap: Int32Array | undefined;
  private remapFor: Int32Array | undefined;
  private dictMode: boolean;
  private plainEstimate = 0;
  private dictDataPages = 0;
  private plainPages = 0;
  private readonly pages: PageRecord[] = [];
  private pagesBytes = 0;
  private numValues = 0;
  private trues = 0;
  private falses = 0;

  /** Dotted column path: the key of {@link ColumnWriterOptions.hints}. */
  private readonly column: string;
  private readonly retry: boolean;

  constructor(readonly leaf: LeafColumn, private readonly opts: ColumnWriterOptions) {
    this.stats = new ChunkStats(leaf.sort);
    this.column = leaf.path.join('.');
    this.dictMode = opts.dictionary && leaf.physical === PhysicalType.BYTE_ARRAY && (opts.hints?.tryDictionary(this.column) ?? true);
    // A chunk told to try while the column is judged distinct is a retry: it goes on until it decides for itself.
    this.retry = this.dictMode && (opts.hints?.distinct(this.column) ?? false);
    if (this.dictMode) this.dict = new BytesDictionary();
  }

  /** Estimated bytes held: compressed pages, the open page and the dictionary. */
  get bufferedBytes(): number {
    return this.pagesBytes + this.openPageBytes() + (this.dict?.byteSize ?? 0);
  }

  private openPageBytes(): number {
    const levels = (this.entries * ((this.leaf.maxDef > 0 ? 1 : 0) + (this.leaf.maxRep > 0 ? 1 : 0))) >> 3;
    if (this.leaf.physical === PhysicalType.BOOLEAN) return levels + (this.boolBits >> 3);
    if (this.leaf.physical !== PhysicalType.BYTE_ARRAY) return levels + this.fixedBytes;
    if (this.dictMode) return levels + ((this.idx.length * bitWidth(Math.max(1, this.dict!.size))) >> 3);
    return levels + this.plain.length;
  }

  private stepEntries(v: LeafValues, remaining: number): number {
    let per = 1;
    if (v.kind === 'fixed') per = v.width;
    else if (v.kind === 'bool') per = 0.125;
    else if (!this.dictMode) per = 4 + (v.n > 0 ? (v.offsets[v.offsets.length - 1]! - v.offsets[0]!) / Math.max(1, v.offsets.length - 1) : 0);
    const cap = v.kind === 'bytes' ? 16384 : 262144;
    return Math.max(64, Math.min(cap, Math.ceil(remaining / per)));
  }

  /** Add one batch of the column. */
  append(b: LeafBatch): void {
    const n = b.count;
    const { maxDef, maxRep } = this.leaf;
    const limit = this.opts.pageRowLimit ?? Infinity;
    let e0 = 0;
    let v0 = 0;
    while (e0 < n) {
      const room = Math.min(limit - this.entries, n - e0);
      let e1 = e0 + Math.max(1, Math.min(room, this.stepEntries(b.values, this.opts.pageSizeBytes - this.openPageBytes())));
      if (b.rep !== null) while (e1 < n && b.rep[e1] !== 0) e1++;
      let v1 = v0;
      if (b.def === null) v1 += e1 - e0;
      else {
        const def = b.def;
        for (let i = e0; i < e1; i++) if (def[i] === maxDef) v1++;
      }
      if (maxDef > 0) this.defConstant = appendLevels(this.def, this.defConstant, this.entries, b.def, e0, e1, maxDef);
      if (maxRep > 0) this.repConstant = appendLevels(this.rep, this.repConstant, this.entries, b.rep, e0, e1, 0);
      this.stats.nullCount += e1 - e0 - (v1 - v0);
      this.entries += e1 - e0;
      this.numValues += e1 - e0;
      this.appendValues(b.values, v0, v1);
      if (this.openPageBytes() >= this.opts.pageSizeBytes || this.entries >= limit) this.cutPage();
      e0 = e1;
      v0 = v1;
    }
  }

  private appendValues(v: LeafValues, v0: number, v1: number): void {
    if (v1 === v0) return;
    if (v.kind === 'fixed') {
      const bytes = v.bytes.subarray(v0 * v.width, v1 * v.width);
      this.fixedParts.push(bytes);
      this.fixedBytes += bytes.length;
      this.stats.updateFixed(bytes, v1 - v0, v.width);
      return;
    }
    if (v.kind === 'bool') return this.appendBools(v.bits, v.bitOffset, v.sel, v0, v1);
    if (this.dictMode) {
      const dict = this.dict!;
      let bytes = 4 * (v1 - v0);
      if (v.keyed === true && v.sel !== null) bytes += this.encodeKeyed(v.offsets, v.data, v.sel, v0, v1);
      else {
        dict.encode(v.offsets, v.data, v.sel, v0, v1, this.idx);
        if (v.sel === null) bytes += v.offsets[v1]! - v.offsets[v0]!;
        else for (let i = v0; i < v1; i++) bytes += v.offsets[v.sel[i]! + 1]! - v.offsets[v.sel[i]!]!;
      }
      this.plainEstimate += bytes;
      // Mostly distinct values: give the dictionary up now rather than after a page of hashing
      // (or once other chunks of the column, started at the same time, found so).
      if (this.dictDataPages === 0 && ((this.idx.length >= EARLY_DROP_MIN_VALUES && dict.size > this.idx.length * EARLY_DROP_DISTINCT_RATIO) || (!this.retry && this.opts.hints?.distinct(this.column) === true))) {
        this.dropDictionary();
        return;
      }
      if (dict.byteSize > this.opts.dictSizeBytes) {
        if (this.dictDataPages === 0) this.dropDictionary();
        else {
          this.cutPage();
          this.dictMode = false;
        }
      }
      return;
    }
    this.appendPlainBytes(v.offsets, v.data, v.sel, v0, v1);
  }

  /**
   * Dictionary-encoded input: each source key is looked up in `dict` once per
   * chunk. Returns the bytes of the values (for the PLAIN size estimate).
   */
  private encodeKeyed(offsets: Int32Array, data: Uint8Array, keys: Int32Array, v0: number, v1: number): number {
    if (this.remapFor !== offsets) {
      this.remapFor = offsets;
      this.remap = new Int32Array(offsets.length - 1).fill(-1);
    }
    const remap = this.remap!;
    const dict = this.dict!;
    const out = this.idx;
    out.ensure(v1 - v0);
    const idx = out.values;
    let o = out.length;
    let bytes = 0;
    for (let v = v0; v < v1; v++) {
      const key = keys[v]!;
      let d = remap[key]!;
      if (d < 0) {
        d = dict.findOrAdd(data, offsets[key]!, offsets[key + 1]!);
        remap[key] = d;
      }
      idx[o++] = d;
      bytes += offsets[key + 1]! - offsets[key]!;
    }
    out.length = o;
    return bytes;
  }

  private appendBools(bits: Uint8Array, bitOffset: number, sel: Int32Array | null, v0: number, v1: number): void {
    const out = this.plain;
    out.ensure(((this.boolBits + v1 - v0 + 7) >> 3) - out.length + 1);
    const o = out.bytes;
    let k = this.boolBits;
    let trues = 0;
    for (let v = v0; v < v1; v++) {
      const j = bitOffset + (sel === null ? v : sel[v]!);
      const bit = (bits[j >> 3]! >> (j & 7)) & 1;
      if ((k & 7) === 0) o[k >> 3] = 0;
      o[k >> 3] = o[k >> 3]! | (bit << (k & 7));
      trues += bit;
      k++;
    }
    this.boolBits = k;
    out.length = (k + 7) >> 3;
    this.trues += trues;
    this.falses += v1 - v0 - trues;
  }

  private appendPlainBytes(offsets: Int32Array, data: Uint8Array, sel: Int32Array | null, v0: number, v1: number): void {
    appendPlainByteArrays(this.plain, this.stats, offsets, data, sel, v0, v1);
  }

  /** Re-encode the open page's dictionary indexes as PLAIN and stop using the dictionary. */
  private dropDictionary(): void {
    const dict = this.dict!;
    const idx = this.idx;
    // Only a chunk that saw enough values tells something about the column.
    if (idx.length >= EARLY_DROP_MIN_VALUES) this.opts.hints?.dropped(this.column);
    const src = dict.plain.bytes;
    const offsets = new Int32Array(idx.length + 1);
    const parts = new ByteBuffer(this.plainEstimate);
    for (let i = 0; i < idx.length; i++) {
      const [s, len] = dict.entry(idx.values[i]!);
      parts.append(src.subarray(s, s + len));
      offsets[i + 1] = parts.length;
    }
    this.dict = undefined;
    this.remap = undefined;
    this.remapFor = undefined;
    this.dictMode = false;
    idx.clear();
    this.appendPlainBytes(offsets, parts.view(), null, 0, offsets.length - 1);
  }

  /** Close the open page (if it has entries). */
  cutPage(): void {
    if (this.entries === 0) return;
    const { maxDef, maxRep } = this.leaf;
    if (this.dictMode && this.dictDataPages === 0 && this.dict!.byteSize + ((this.idx.length * bitWidth(this.dict!.size)) >> 3) >= this.plainEstimate) {
      this.dropDictionary();
    }
    const parts: Uint8Array[] = [];
    if (maxRep > 0 || maxDef > 0) {
      const lv = new ByteBuffer(64 + (this.entries >> 2));
      if (maxRep > 0) {
        if (this.repConstant) encodeConstantLevels(lv, this.entries, 0, maxRep);
        else encodeLevels(lv, this.rep.bytes, this.entries, maxRep);
      }
      if (maxDef > 0) {
        if (this.defConstant) encodeConstantLevels(lv, this.entries, maxDef, maxDef);
        else encodeLevels(lv, this.def.bytes, this.entries, maxDef);
      }
      parts.push(lv.view());
    }
    let encoding: number = Encoding.PLAIN;
    if (this.leaf.physical === PhysicalType.BYTE_ARRAY && this.dictMode) {
      const width = Math.max(1, bitWidth(this.dict!.size - 1));
      const buf = new ByteBuffer(16 + ((this.idx.length * width) >> 3));
      buf.push(width);
      encodeHybrid(buf, this.idx.values, 0, this.idx.length, width);
      parts.push(buf.view());
      encoding = Encoding.RLE_DICTIONARY;
      this.dictDataPages++;
    } else if (this.leaf.physical === PhysicalType.BOOLEAN || this.leaf.physical === PhysicalType.BYTE_ARRAY) {
      parts.push(this.plain.toBytes());
      this.plainPages++;
    } else {
      parts.push(...this.fixedParts);
      this.plainPages++;
    }
    this.emit(parts, this.entries, encoding, false);
    this.entries = 0;
    this.def.clear();
    this.rep.clear();
    this.defConstant = true;
    this.repConstant = true;
    this.fixedParts = [];
    this.fixedBytes = 0;
    this.plain.clear();
    this.boolBits = 0;
    this.idx.clear();
    this.plainEstimate = 0;
  }

  private emit(parts: Uint8Array[], entries: number, encoding: number, dict: boolean): void {
    let uncompressed = 0;
    for (const p of parts) uncompressed += p.length;
    const rec: PageRecord = { dict, entries, encoding, uncompressed, body: parts };
    if (this.opts.compressor.codec !== 'uncompressed') {
      const c = this.opts.compressor.compress(concat(parts, uncompressed));
      if (c instanceof Uint8Array) rec.body = [c];
      else {
        // Compressing off the calling thread: count the page at its uncompressed size until the codec answers.
        const pending = c.then((bytes) => {
          this.pagesBytes += bytes.length - uncompressed;
          rec.body = [bytes];
          return bytes;
        });
        // A failure surfaces where finish() awaits the page, not as an unhandled rejection before it.
        pending.catch(() => undefined);
        rec.body = pending;
      }
    }
    this.pagesBytes += Array.isArray(rec.body) ? rec.body.reduce((n, x) => n + x.length, 0) : uncompressed;
    if (dict) this.pages.unshift(rec);
    else this.pages.push(rec);
  }

  /** Close the chunk: last page, dictionary page, statistics. */
  async finish(): Promise<FinishedChunk> {
    this.cutPage();
    const dict = this.dict;
    if (dict !== undefined && this.dictDataPages > 0) {
      if (this.numValues >= EARLY_DROP_MIN_VALUES) this.opts.hints?.kept(this.column);
      let lo = 0;
      let hi = 0;
      const b = dict.plain.bytes;
      for (let i = 1; i < dict.size; i++) {
        const [s, l] = dict.entry(i);
        const [ls, ll] = dict.entry(lo);
        const [hs, hl] = dict.entry(hi);
        if (compareUnsigned(b, s, l, b, ls, ll) < 0) lo = i;
        if (compareUnsigned(b, s, l, b, hs, hl) > 0) hi = i;
      }
      const [ls, ll] = dict.entry(lo);
      const [hs, hl] = dict.entry(hi);
      this.stats.offer(b.subarray(ls, ls + ll), b.subarray(hs, hs + hl));
      this.emit([dict.plain.view()], dict.size, Encoding.PLAIN, true);
    }
    if (this.leaf.physical === PhysicalType.BOOLEAN) this.stats.updateBool(this.trues, this.falses);
    const parts: Uint8Array[] = [];
    let compressed = 0;
    let uncompressed = 0;
    let dictionaryPageBytes = 0;
    for (const page of this.pages) {
      const body = Array.isArray(page.body) ? page.body : [await page.body];
      let size = 0;
      for (const x of body) size += x.length;
      const header = page.dict
        ? dictionaryPageHeader(page.uncompressed, size, page.entries)
        : dataPageHeader(page.uncompressed, size, page.entries, page.encoding);
      parts.push(header, ...body);
      compressed += header.length + size;
      uncompressed += header.length + page.uncompressed;
      if (page.dict) dictionaryPageBytes = header.length + size;
    }
    const encodings: number[] = [];
    if (this.plainPages > 0 || dictionaryPageBytes > 0) encodings.push(Encoding.PLAIN);
    if (this.leaf.maxDef > 0 || this.leaf.maxRep > 0) encodings.push(Encoding.RLE);
    if (this.dictDataPages > 0) encodings.push(Encoding.RLE_DICTIONARY);
    return { parts, dictionaryPageBytes, totalCompressedSize: compressed, totalUncompressedSize: uncompressed, numValues: this.numValues, encodings, stats: this.stats };
  }
}
