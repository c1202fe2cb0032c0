/**
 * Physical Parquet values → Arrow `Data` of an Iceberg primitive type, exactly:
 * decimals from INT32/INT64/fixed/binary unscaled bytes straight into 128-bit
 * words, timestamps rescaled by integer maths (INT64 in any unit, legacy
 * INT96 from Spark and Hive), UUIDs and fixed bytes copied, strings as their
 * UTF-8 bytes (never decoded and re-encoded).
 */
import { makeData } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import type { DecodedArray, SchemaElement } from 'hyparquet';
import { ValidationError } from '../../../errors.js';
import { icebergToArrowType } from '../../arrow/schema.js';
import type { PrimitiveType } from '../../../iceberg/spec/types.js';
import { typeToString } from '../../../iceberg/spec/types.js';

/** Julian day number of 1970-01-01 (INT96 timestamps count days from the Julian epoch). */
const JULIAN_EPOCH_DAY = 2_440_588n;
const NANOS_PER_DAY = 86_400_000_000_000n;
const MASK64 = (1n << 64n) - 1n;

/** Which value (index into the dense values) each slot holds, or -1 for null. */
export interface Slots {
  readonly length: number;
  /** Value index per slot, or undefined for "slot k holds value k" (no nulls). */
  readonly index: Int32Array | undefined;
  readonly nulls: number;
}

function bitmapOf(slots: Slots): Uint8Array | undefined {
  if (slots.nulls === 0 || slots.index === undefined) return undefined;
  const bits = new Uint8Array((slots.length + 7) >> 3);
  for (let k = 0; k < slots.length; k++) if (slots.index[k]! >= 0) bits[k >> 3]! |= 1 << (k & 7);
  return bits;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function unitOf(el: SchemaElement): 'MILLIS' | 'MICROS' | 'NANOS' {
  const lt = el.logical_type;
  if (lt?.type === 'TIMESTAMP' || lt?.type === 'TIME') return lt.unit;
  if (el.converted_type === 'TIMESTAMP_MILLIS' || el.converted_type === 'TIME_MILLIS') return 'MILLIS';
  return 'MICROS';
}

const PER_UNIT = { MILLIS: 1_000_000n, MICROS: 1000n, NANOS: 1n } as const;

/** A per-value converter to bigint in the target unit (µs or ns); undefined when INT64 values are already in it. */
function temporal(el: SchemaElement, to: PrimitiveType): ((v: unknown) => bigint) | undefined {
  const target = to.type.endsWith('_ns') ? 1n : 1000n; // ns per target unit
  if (el.type === 'INT96') {
    return (v) => {
      const raw = v as bigint;
      const nanos = (raw >> 64n) * NANOS_PER_DAY - JULIAN_EPOCH_DAY * NANOS_PER_DAY + (raw & MASK64);
      return target === 1n ? nanos : floorDiv(nanos, target);
    };
  }
  if (el.type === 'INT32' && (el.logical_type?.type === 'DATE' || el.converted_type === 'DATE')) {
    const perDay = NANOS_PER_DAY / target;
    return (v) => BigInt(v as number) * perDay;
  }
  const from = PER_UNIT[unitOf(el)];
  if (from === target) return el.type === 'INT64' ? undefined : (v) => BigInt(v as bigint | number);
  if (from > target) {
    const f = from / target;
    return (v) => BigInt(v as bigint | number) * f;
  }
  const d = target / from;
  return (v) => floorDiv(BigInt(v as bigint | number), d);
}

/** Write big-endian two's-complement bytes as a 16-byte little-endian value. */
function writeDecimalBytes(out: Uint8Array, slot: number, bytes: Uint8Array): boolean {
  const len = bytes.length;
  const o = slot * 16;
  const negative = len > 0 && (bytes[0]! & 0x80) !== 0;
  for (let b = 0; b < 16; b++) {
    const src = len - 1 - b;
    out[o + b] = src >= 0 ? bytes[src]! : negative ? 0xff : 0;
  }
  // Bytes beyond 16 must be pure sign extension.
  for (let b = 0; b < len - 16; b++) if (bytes[b] !== (negative ? 0xff : 0)) return false;
  return true;
}

/**
 * Build the Arrow `Data` for `to` from the dense physical `values` of a
 * column whose Parquet element is `el`, placing value `slots.index[k]` at
 * slot k. `path` names the column in errors.
 */
export function leafData(values: DecodedArray, el: SchemaElement, to: PrimitiveType, slots: Slots, path: string): Data {
  const n = slots.length;
  const arrow = icebergToArrowType(to);
  const idx = slots.index;
  const at = idx === undefined ? (k: number) => k : (k: number) => idx[k]!;
  const finish = (extra: Record<string, unknown>): Data =>
    makeData({ type: arrow, length: n, nullCount: slots.nulls, nullBitmap: bitmapOf(slots), ...extra } as never);
  const corrupt = (why: string): never => {
    throw new ValidationError(`column ${path}: ${why}; the file is corrupt`);
  };
  const fill = <T extends { [i: number]: unknown; length: number }>(out: T, f: (v: unknown) => unknown): T => {
    for (let k = 0; k < n; k++) {
      const i = at(k);
      if (i >= 0) (out as Record<number, unknown>)[k] = f(values[i]);
    }
    return out;
  };
  switch (to.type) {
    case 'unknown':
      return makeData({ type: arrow, length: n, nullCount: n } as never);
    case 'boolean': {
      const bits = new Uint8Array((n + 7) >> 3);
      for (let k = 0; k < n; k++) {
        const i = at(k);
        if (i >= 0 && values[i]) bits[k >> 3]! |= 1 << (k & 7);
      }
      return finish({ data: bits });
    }
    case 'int':
    case 'date':
      if (idx === undefined && values instanceof Int32Array && values.length === n) return finish({ data: values });
      return finish({ data: fill(new Int32Array(n), (v) => v) });
    case 'long': {
      if (el.type === 'INT64') {
        if (idx === undefined && values instanceof BigInt64Array && values.length === n) return finish({ data: values });
        return finish({ data: fill(new BigInt64Array(n), (v) => v) });
      }
      const unsigned = el.converted_type === 'UINT_32' || (el.logical_type?.type === 'INTEGER' && !el.logical_type.isSigned);
      return finish({ data: fill(new BigInt64Array(n), unsigned ? (v) => BigInt((v as number) >>> 0) : (v) => BigInt(v as number)) });
    }
    case 'float':
      if (idx === undefined && values instanceof Float32Array && values.length === n) return finish({ data: values });
      return finish({ data: fill(new Float32Array(n), (v) => v) });
    case 'double':
      if (idx === undefined && values instanceof Float64Array && values.length === n) return finish({ data: values });
      return finish({ data: fill(new Float64Array(n), (v) => v) });
    case 'decimal': {
      const words = new Uint32Array(n * 4);
      const bytes = new Uint8Array(words.buffer);
      if (values instanceof BigInt64Array) {
        // INT64 decimals: copy the two little-endian words and sign-extend, no bigint maths.
        const src = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
        for (let k = 0; k < n; k++) {
          const i = at(k);
          if (i < 0) continue;
          const hi = src[2 * i + 1]!;
          const sign = hi & 0x80000000 ? 0xffffffff : 0;
          words[k * 4] = src[2 * i]!;
          words[k * 4 + 1] = hi;
          words[k * 4 + 2] = sign;
          words[k * 4 + 3] = sign;
        }
        return finish({ data: words });
      }
      for (let k = 0; k < n; k++) {
        const i = at(k);
        if (i < 0) continue;
        const v = values[i];
        if (typeof v === 'number') {
          words[k * 4] = v >>> 0;
          const fillWord = v < 0 ? 0xffffffff : 0;
          words[k * 4 + 1] = fillWord;
          words[k * 4 + 2] = fillWord;
          words[k * 4 + 3] = fillWord;
        } else if (typeof v === 'bigint') {
          const u = BigInt.asUintN(64, v);
          words[k * 4] = Number(u & 0xffffffffn);
          words[k * 4 + 1] = Number(u >> 32n);
          const fillWord = v < 0n ? 0xffffffff : 0;
          words[k * 4 + 2] = fillWord;
          words[k * 4 + 3] = fillWord;
        } else if (v instanceof Uint8Array) {
          if (!writeDecimalBytes(bytes, k, v)) corrupt(`a decimal value has ${v.length} bytes, more than a decimal(38) needs`);
        } else corrupt('a decimal value has an unexpected physical type');
      }
      return finish({ data: words });
    }
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const convert = to.type === 'time' ? temporal(el, { type: 'timestamp' }) : temporal(el, to);
      if (convert === undefined && idx === undefined && values instanceof BigInt64Array && values.length === n) return finish({ data: values });
      return finish({ data: fill(new BigInt64Array(n), convert ?? ((v) => v)) });
    }
    case 'string':
    case 'binary':
    case 'geometry':
    case 'geography': {
      const offsets = new Int32Array(n + 1);
      let total = 0;
      for (let k = 0; k < n; k++) {
        const i = at(k);
        if (i >= 0) total += (values[i] as Uint8Array).length;
        if (total > 0x7fffffff) corrupt('the column holds more than 2 GiB in one row group');
        offsets[k + 1] = total;
      }
      const data = new Uint8Array(total);
      for (let k = 0; k < n; k++) {
        const i = at(k);
        if (i >= 0) data.set(values[i] as Uint8Array, offsets[k]!);
      }
      return finish({ valueOffsets: offsets, data });
    }
    case 'uuid':
    case 'fixed': {
      const width = to.type === 'fixed' ? to.length : 16;
      const data = new Uint8Array(n * width);
      for (let k = 0; k < n; k++) {
        const i = at(k);
        if (i < 0) continue;
        const v = values[i] as Uint8Array;
        if (!(v instanceof Uint8Array) || v.length !== width) corrupt(`a ${typeToString(to)} value is not ${width} bytes`);
        data.set(v, k * width);
      }
      return finish({ data });
    }
  }
}
