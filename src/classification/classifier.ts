/**
 * Column classification over Arrow tables: scan a deterministic sample (or
 * every row) of each string and numeric column, with the column's name as
 * context for every cell, and summarise per column what was found and how
 * sensitive the column is.
 *
 * @module
 */
import type { Table } from 'apache-arrow';
import { ValidationError } from '../errors.js';
import { forEachCell, isScannable, type Utf8Cells } from './cells.js';
import { maskValue } from './protect/mask.js';
import { sensitivityPolicy, type Sensitivity } from './policy.js';
import type { Finding } from './detectors/detector.js';
import { Scanner, type ColumnContext, type ScannerOptions } from './scanner.js';

/** Classifier defaults. */
export const DEFAULT_CLASSIFY_OPTIONS = {
  /** Rows scanned per column unless `fullScan`. */
  sampleSize: 10_000,
  /** Share of scanned non-null cells a type needs before it is assigned to the column. */
  minHitRatio: 0.01,
  /** Masked examples kept per type. */
  maxExamples: 3,
  seed: 0,
} as const;

/** Options of {@link classifyTable}. */
export interface ClassifyOptions extends ScannerOptions {
  /** A prepared scanner (its options win over the scanner options here). */
  scanner?: Scanner;
  /** Rows sampled per column. @default 10000 */
  sampleSize?: number;
  /** Scan every row. @default false */
  fullScan?: boolean;
  /** Seed of the systematic sample's start; the same seed picks the same rows. @default 0 */
  seed?: number;
  /** @default 0.01 */
  minHitRatio?: number;
  /** @default 3 */
  maxExamples?: number;
  /** Overrides of the sensitivity policy table (entity type → level). */
  sensitivity?: Readonly<Record<string, Sensitivity>>;
  /** Only these columns. */
  columns?: readonly string[];
}

/** What one entity type looks like in one column. */
export interface ColumnFinding {
  type: string;
  /** Cells with at least one match of this type. */
  hits: number;
  /** `hits` / non-null cells scanned. */
  hitRatio: number;
  /** Mean score of the matches. */
  confidence: number;
  /** Up to `maxExamples` matches, masked (last 4 characters kept). */
  examples: string[];
  /** Matches that validators flagged (e.g. `test-number`), counted. */
  flags?: Record<string, number>;
}

/** The classification of one column. */
export interface ColumnClassification {
  column: string;
  /** Arrow type, as Arrow prints it. */
  arrowType: string;
  /** Rows scanned and, of those, non-null cells. */
  scanned: number;
  nonNull: number;
  /** Every type seen, most hits first. */
  findings: ColumnFinding[];
  /** Types assigned to the column (hit ratio ≥ `minHitRatio`). */
  types: string[];
  /** The most sensitive level of the assigned types; `public` when none. */
  sensitivity: Sensitivity;
}

/** The classification of a table. */
export interface TableClassification {
  columns: ColumnClassification[];
  rows: number;
  /** Whether rows were sampled (false: every row was scanned). */
  sampled: boolean;
  /** The most sensitive column's level. */
  sensitivity: Sensitivity;
}

/**
 * The rows a sample reads: every row when `size ≥ rows`, else a systematic
 * sample of `size` rows whose start depends only on `seed`.
 */
export function sampleRows(rows: number, size: number, seed: number): Int32Array | undefined {
  if (!(size > 0) || size >= rows) return undefined;
  const step = rows / size;
  const offset = fraction(seed) * step;
  const out = new Int32Array(size);
  for (let k = 0; k < size; k++) out[k] = Math.min(rows - 1, Math.floor(offset + k * step));
  return out;
}

/** A fraction in [0, 1) from a seed (splitmix32 finaliser). */
function fraction(seed: number): number {
  let z = (seed | 0) + 0x9e3779b9;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
}

const NONE: readonly Finding[] = Object.freeze([]);

/** Bounds of the per-column memo of {@link ScanMemo}. */
const MEMO = {
  /** Distinct values remembered per column. */
  maxEntries: 16_384,
  /** Values longer than this are scanned every time (free text rarely repeats, and keys would pin memory). */
  maxLength: 256,
  /** Cells looked up before the memo judges whether the column repeats. */
  probe: 2048,
  /** The memo stays on only if at least this share of the probed cells were repeats. */
  minRepeatShare: 0.1,
} as const;

/**
 * Scan results of one column, remembered by cell value: a value that repeats
 * (statuses, cities, a customer's card on each of their transactions) is
 * scanned once. `Scanner.scan` is a pure function of the text and the column
 * context, so a remembered result is the result a fresh scan gives — the
 * column's counts do not change. UTF-8 cells are remembered by their bytes,
 * so a repeat is found without decoding it. The memo switches itself off for
 * a column whose first cells barely repeat, so unique columns pay only for
 * the probe.
 */
class ScanMemo {
  private readonly seen = new Map<string, readonly Finding[]>();
  private readonly seenBytes = new ByteMap<readonly Finding[]>();
  private lookups = 0;
  private repeats = 0;
  private on = true;

  constructor(
    private readonly scanner: Scanner,
    private readonly ctx: ColumnContext,
  ) {}

  scan(text: string): readonly Finding[] {
    // Values no detector could match are cheaper to reject than to look up.
    if (!this.scanner.couldMatch(text)) return NONE;
    if (!this.on || text.length > MEMO.maxLength) return this.scanner.scanAccepted(text, this.ctx);
    const hit = this.seen.get(text);
    if (hit !== undefined) {
      this.repeats++;
      return hit;
    }
    this.probe();
    const found = this.scanner.scanAccepted(text, this.ctx);
    if (this.on && this.seen.size < MEMO.maxEntries) this.seen.set(text, found);
    return found;
  }

  /** {@link scan} of the UTF-8 cell `cells.bytes[start, end)`, decoded only when it must be scanned. */
  scanUtf8(cells: Utf8Cells, start: number, end: number): readonly Finding[] {
    const bytes = cells.bytes;
    if (!this.scanner.couldMatchUtf8(bytes, start, end)) return NONE;
    // A UTF-8 value of more than maxLength bytes may still be maxLength UTF-16 units; bytes bound the key either way.
    if (!this.on || end - start > MEMO.maxLength) return this.scanner.scanAccepted(cells.text(start, end), this.ctx);
    const hash = hashBytes(bytes, start, end);
    const hit = this.seenBytes.get(bytes, start, end, hash);
    if (hit !== undefined) {
      this.repeats++;
      return hit;
    }
    this.probe();
    const found = this.scanner.scanAccepted(cells.text(start, end), this.ctx);
    if (this.on && this.seenBytes.size < MEMO.maxEntries) this.seenBytes.set(bytes, start, end, hash, found);
    return found;
  }

  private probe(): void {
    if (++this.lookups === MEMO.probe && this.repeats < MEMO.probe * MEMO.minRepeatShare) {
      this.on = false;
      this.seen.clear();
      this.seenBytes.clear();
    }
  }
}

/** FNV-1a over `bytes[start, end)`. */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

/** A hash map keyed by byte strings (copied on insert), looked up by a range of a larger buffer without copying it. */
class ByteMap<V> {
  private hashes = new Int32Array(64);
  private keys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(64);
  private values: (V | undefined)[] = new Array<V | undefined>(64);
  size = 0;

  get(bytes: Uint8Array, start: number, end: number, hash: number): V | undefined {
    const mask = this.hashes.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const key = this.keys[i];
      if (key === undefined) return undefined;
      if (this.hashes[i] === hash && equalBytes(key, bytes, start, end)) return this.values[i];
    }
  }

  /** Insert a key that {@link get} did not find. */
  set(bytes: Uint8Array, start: number, end: number, hash: number, value: V): void {
    if ((this.size + 1) * 2 > this.hashes.length) this.grow();
    this.place(bytes.slice(start, end), hash, value);
    this.size++;
  }

  clear(): void {
    this.hashes = new Int32Array(64);
    this.keys = new Array<Uint8Array | undefined>(64);
    this.values = new Array<V | undefined>(64);
    this.size = 0;
  }

  private place(key: Uint8Array, hash: number, value: V): void {
    const mask = this.hashes.length - 1;
    let i = hash & mask;
    while (this.keys[i] !== undefined) i = (i + 1) & mask;
    this.hashes[i] = hash;
    this.keys[i] = key;
    this.values[i] = value;
  }

  private grow(): void {
    const { hashes, keys, values } = this;
    const size = hashes.length * 2;
    this.hashes = new Int32Array(size);
    this.keys = new Array<Uint8Array | undefined>(size);
    this.values = new Array<V | undefined>(size);
    for (let i = 0; i < hashes.length; i++) if (keys[i] !== undefined) this.place(keys[i]!, hashes[i]!, values[i]!);
  }
}

function equalBytes(key: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (key.length !== end - start) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== bytes[start + i]) return false;
  return true;
}

/**
 * Classify every string and numeric column of an Arrow table.
 *
 * @example
 * ```ts
 * const result = classifyTable(arrowTable, { sampleSize: 5000 });
 * for (const c of result.columns) console.log(c.column, c.types, c.sensitivity);
 * ```
 */
export function classifyTable(table: Table, options: ClassifyOptions = {}): TableClassification {
  const scanner = options.scanner ?? new Scanner(options);
  const sampleSize = options.sampleSize ?? DEFAULT_CLASSIFY_OPTIONS.sampleSize;
  const minHitRatio = options.minHitRatio ?? DEFAULT_CLASSIFY_OPTIONS.minHitRatio;
  const maxExamples = options.maxExamples ?? DEFAULT_CLASSIFY_OPTIONS.maxExamples;
  if (!(sampleSize >= 0) || !(minHitRatio >= 0 && minHitRatio <= 1) || !(maxExamples >= 0)) {
    throw new ValidationError('classify options: sampleSize and maxExamples must be ≥ 0 and minHitRatio between 0 and 1');
  }
  const policy = sensitivityPolicy(options.sensitivity);
  const ownLevel = new Map(scanner.detectors.map((d) => [d.type, d.sensitivity]));
  const rows = options.fullScan === true ? undefined : sampleRows(table.numRows, sampleSize, options.seed ?? DEFAULT_CLASSIFY_OPTIONS.seed);
  const wanted = options.columns ? new Set(options.columns) : undefined;
  if (wanted) {
    const missing = [...wanted].filter((c) => table.schema.fields.every((f) => f.name !== c));
    if (missing.length > 0) throw new ValidationError(`classify: no column named ${missing.join(', ')}; the table has ${table.schema.fields.map((f) => f.name).join(', ')}`);
  }
  const columns: ColumnClassification[] = [];
  table.schema.fields.forEach((field, idx) => {
    if (wanted && !wanted.has(field.name)) return;
    if (!isScannable(field.type)) return;
    const vector = table.getChildAt(idx);
    if (!vector) return;
    const ctx = scanner.columnContext(field.name);
    const acc = new Map<string, { hits: number; score: number; examples: string[]; flags: Record<string, number> }>();
    let nonNull = 0;
    const memo = new ScanMemo(scanner, ctx);
    const record = (found: readonly Finding[]) => {
      nonNull++;
      if (found.length === 0) return;
      for (let k = 0; k < found.length; k++) {
        const f = found[k]!;
        let a = acc.get(f.type);
        if (!a) acc.set(f.type, (a = { hits: 0, score: 0, examples: [], flags: {} }));
        // A cell counts once per type, however many matches of it it holds.
        let first = true;
        for (let q = 0; q < k; q++) if (found[q]!.type === f.type) first = false;
        if (first) a.hits++;
        a.score += f.score;
        if (a.examples.length < maxExamples) a.examples.push(maskValue(f.text, { keepLast: 4 }));
        if (f.flags !== undefined) for (const fl of f.flags) a.flags[fl] = (a.flags[fl] ?? 0) + 1;
      }
    };
    forEachCell(vector, rows, {
      utf8: (cells, start, end) => record(memo.scanUtf8(cells, start, end)),
      text: (text) => record(memo.scan(text)),
    });
    const findings: ColumnFinding[] = [...acc.entries()]
      .map(([type, a]) => {
        const cf: ColumnFinding = { type, hits: a.hits, hitRatio: nonNull === 0 ? 0 : a.hits / nonNull, confidence: a.score / Math.max(1, a.hits), examples: a.examples };
        if (Object.keys(a.flags).length > 0) cf.flags = a.flags;
        return cf;
      })
      .sort((x, y) => y.hits - x.hits || x.type.localeCompare(y.type));
    const types = findings.filter((f) => f.hitRatio >= minHitRatio && f.hits > 0).map((f) => f.type);
    columns.push({
      column: field.name,
      arrowType: String(field.type),
      scanned: rows ? rows.length : table.numRows,
      nonNull,
      findings,
      types,
      sensitivity: policy.highest(types, (t) => ownLevel.get(t)),
    });
  });
  return {
    columns,
    rows: table.numRows,
    sampled: rows !== undefined,
    sensitivity: policy.highest(columns.flatMap((c) => c.types), (t) => ownLevel.get(t)),
  };
}
