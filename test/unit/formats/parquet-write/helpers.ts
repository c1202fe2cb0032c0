// Test helpers: write with lakekit, read back with hyparquet in raw physical form (exact values).
import { parquetMetadata, parquetReadObjects, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { IcebergType, Schema } from '../../../../src/iceberg/spec/index.js';
import { unscaledToBytes, uuidToBytes } from '../../../../src/iceberg/spec/index.js';

export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function metadataOf(bytes: Uint8Array): FileMetaData {
  return parquetMetadata(toArrayBuffer(bytes));
}

/** Rows as hyparquet reads them with leaf annotations removed (strings stay decoded). */
export async function readRaw(bytes: Uint8Array): Promise<Record<string, unknown>[]> {
  const file = toArrayBuffer(bytes);
  const metadata = parquetMetadata(file);
  for (const e of metadata.schema) {
    if (e.num_children === undefined && e.logical_type?.type !== 'STRING') {
      delete e.converted_type;
      delete e.logical_type;
    }
  }
  return normalize(await parquetReadObjects({ file, metadata, compressors, utf8: false })) as Record<string, unknown>[];
}

/**
 * One form for nulls: hyparquet leaves null structs, lists and maps out of
 * objects (or returns undefined in lists); a row's null field is dropped, a
 * list's null element is null.
 */
export function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : normalize(x)));
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, normalize(x)]));
  }
  return v;
}

function decimalBytes(unscaled: bigint, width: number): Uint8Array {
  const min = unscaledToBytes(unscaled);
  const out = new Uint8Array(width).fill(unscaled < 0n ? 0xff : 0);
  out.set(min, width - min.length);
  return out;
}

/** The raw physical value hyparquet returns for an Iceberg value (values.ts form). */
export function expectedRaw(type: IcebergType, v: unknown, inCollection = false): unknown {
  // hyparquet leaves a null struct/list/map out of its parent object, but puts null in a list or map
  if (v === null || v === undefined) return !inCollection && (type.type === 'struct' || type.type === 'list' || type.type === 'map') ? undefined : null;
  switch (type.type) {
    case 'decimal':
      if (type.precision <= 9) return Number(v as bigint);
      if (type.precision <= 18) return v;
      return decimalBytes(v as bigint, requiredBytes(type.precision));
    case 'uuid':
      return uuidToBytes(v as string);
    case 'struct': {
      const m = v as ReadonlyMap<number, unknown>;
      const o: Record<string, unknown> = {};
      for (const f of type.fields) o[f.name] = expectedRaw(f.type, m.get(f.id) ?? null, inCollection);
      return o;
    }
    case 'list':
      return (v as unknown[]).map((x) => expectedRaw(type.element, x, true));
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v as Map<unknown, unknown>) o[String(k)] = expectedRaw(type.value, x, true);
      return o;
    }
    default:
      return v;
  }
}

function requiredBytes(precision: number): number {
  let n = 1;
  while (2n ** BigInt(8 * n - 1) < 10n ** BigInt(precision)) n++;
  return n;
}

export function expectedRows(schema: Schema, rows: readonly ReadonlyMap<number, unknown>[]): Record<string, unknown>[] {
  return normalize(rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const f of schema.fields) o[f.name] = expectedRaw(f.type, r.get(f.id) ?? null);
    return o;
  })) as Record<string, unknown>[];
}
