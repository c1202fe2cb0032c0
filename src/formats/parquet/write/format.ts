/**
 * Parquet format constants (parquet.thrift) and the Thrift shapes of the
 * structures the writer emits: page headers, schema elements, column chunk
 * metadata and the file footer.
 */
import { TType, thriftStruct, type ThriftField } from './thrift.js';

/** Physical types. */
export const PhysicalType = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6, FIXED_LEN_BYTE_ARRAY: 7 } as const;
/** A physical type code. */
export type PhysicalType = (typeof PhysicalType)[keyof typeof PhysicalType];
/** Field repetition. */
export const Repetition = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as const;
/** Legacy converted types written next to logical types for older readers. */
export const ConvertedType = { UTF8: 0, MAP: 1, LIST: 3, DECIMAL: 5, DATE: 6, TIMESTAMP_MICROS: 10 } as const;
/** Encodings. */
export const Encoding = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
/** Compression codec ids. */
export const CodecId = { uncompressed: 0, snappy: 1, gzip: 2, zstd: 6 } as const;
/** Page types. */
export const PageType = { DATA_PAGE: 0, DICTIONARY_PAGE: 2 } as const;

const { I32, I64, BINARY, STRUCT, LIST, BOOL } = TType;

/** The magic bytes at both ends of a Parquet file. */
export const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]);

/** Header of a v1 data page. */
export function dataPageHeader(uncompressed: number, compressed: number, numValues: number, encoding: number): Uint8Array {
  return thriftStruct([
    [1, I32, PageType.DATA_PAGE],
    [2, I32, uncompressed],
    [3, I32, compressed],
    [5, STRUCT, [[1, I32, numValues], [2, I32, encoding], [3, I32, Encoding.RLE], [4, I32, Encoding.RLE]]],
  ], 48);
}

/** Header of a dictionary page (PLAIN-encoded entries). */
export function dictionaryPageHeader(uncompressed: number, compressed: number, numValues: number): Uint8Array {
  return thriftStruct([
    [1, I32, PageType.DICTIONARY_PAGE],
    [2, I32, uncompressed],
    [3, I32, compressed],
    [7, STRUCT, [[1, I32, numValues], [2, I32, Encoding.PLAIN]]],
  ], 48);
}

/** Parquet logical type annotations (LogicalType union members). */
export type LogicalType =
  | { kind: 'string' }
  | { kind: 'map' }
  | { kind: 'list' }
  | { kind: 'decimal'; scale: number; precision: number }
  | { kind: 'date' }
  | { kind: 'time'; utc: boolean; unit: 'micros' | 'nanos' }
  | { kind: 'timestamp'; utc: boolean; unit: 'micros' | 'nanos' }
  | { kind: 'uuid' };

function unitField(unit: 'micros' | 'nanos'): ThriftField {
  return [2, STRUCT, [[unit === 'micros' ? 2 : 3, STRUCT, []]]];
}

function logicalTypeFields(t: LogicalType): ThriftField[] {
  switch (t.kind) {
    case 'string':
      return [[1, STRUCT, []]];
    case 'map':
      return [[2, STRUCT, []]];
    case 'list':
      return [[3, STRUCT, []]];
    case 'decimal':
      return [[5, STRUCT, [[1, I32, t.scale], [2, I32, t.precision]]]];
    case 'date':
      return [[6, STRUCT, []]];
    case 'time':
      return [[7, STRUCT, [[1, BOOL, t.utc], unitField(t.unit)]]];
    case 'timestamp':
      return [[8, STRUCT, [[1, BOOL, t.utc], unitField(t.unit)]]];
    case 'uuid':
      return [[14, STRUCT, []]];
  }
}

function convertedType(t: LogicalType | undefined): number | undefined {
  switch (t?.kind) {
    case 'string':
      return ConvertedType.UTF8;
    case 'map':
      return ConvertedType.MAP;
    case 'list':
      return ConvertedType.LIST;
    case 'decimal':
      return ConvertedType.DECIMAL;
    case 'date':
      return ConvertedType.DATE;
    // TIMESTAMP_MICROS means UTC-adjusted; local timestamps and all times get only the logical type.
    case 'timestamp':
      return t.utc && t.unit === 'micros' ? ConvertedType.TIMESTAMP_MICROS : undefined;
    default:
      return undefined;
  }
}

/** One node of the Parquet schema, in the footer's depth-first order. */
export interface SchemaElement {
  name: string;
  /** Undefined for groups. */
  type?: PhysicalType;
  typeLength?: number;
  repetition?: number;
  numChildren?: number;
  logical?: LogicalType;
  fieldId?: number;
}

function schemaElementFields(e: SchemaElement): ThriftField[] {
  const decimal = e.logical?.kind === 'decimal' ? e.logical : undefined;
  return [
    [1, I32, e.type],
    [2, I32, e.typeLength],
    [3, I32, e.repetition],
    [4, BINARY, e.name],
    [5, I32, e.numChildren],
    [6, I32, convertedType(e.logical)],
    [7, I32, decimal?.scale],
    [8, I32, decimal?.precision],
    [9, I32, e.fieldId],
    [10, STRUCT, e.logical ? logicalTypeFields(e.logical) : undefined],
  ];
}

/** Min/max (Parquet PLAIN bytes, by the column's sort order) and null count of a column chunk. */
export interface ChunkStatistics {
  nullCount: number;
  min?: Uint8Array;
  max?: Uint8Array;
}

/** Metadata of one written column chunk. */
export interface ColumnChunkMeta {
  type: PhysicalType;
  encodings: number[];
  path: readonly string[];
  codec: number;
  numValues: number;
  totalUncompressedSize: number;
  totalCompressedSize: number;
  dataPageOffset: number;
  dictionaryPageOffset?: number;
  statistics: ChunkStatistics;
}

/** Metadata of one row group. */
export interface RowGroupMeta {
  columns: ColumnChunkMeta[];
  numRows: number;
  fileOffset: number;
  totalByteSize: number;
  totalCompressedSize: number;
}

function columnChunkFields(c: ColumnChunkMeta): ThriftField[] {
  const s = c.statistics;
  return [
    [2, I64, c.dictionaryPageOffset ?? c.dataPageOffset],
    [3, STRUCT, [
      [1, I32, c.type],
      [2, LIST, { list: I32, items: c.encodings }],
      [3, LIST, { list: BINARY, items: c.path }],
      [4, I32, c.codec],
      [5, I64, c.numValues],
      [6, I64, c.totalUncompressedSize],
      [7, I64, c.totalCompressedSize],
      [9, I64, c.dataPageOffset],
      [11, I64, c.dictionaryPageOffset],
      [12, STRUCT, [[3, I64, s.nullCount], [5, BINARY, s.max], [6, BINARY, s.min]]],
    ]],
  ];
}

/** Serialize FileMetaData (the footer, without its length and magic). */
export function fileMetaData(opts: {
  schema: readonly SchemaElement[];
  numRows: number;
  rowGroups: readonly RowGroupMeta[];
  keyValueMetadata: ReadonlyMap<string, string>;
  createdBy: string;
  leafCount: number;
}): Uint8Array {
  const typeOrder: ThriftField[] = [[1, STRUCT, []]];
  return thriftStruct([
    [1, I32, 2],
    [2, LIST, { list: STRUCT, items: opts.schema.map(schemaElementFields) }],
    [3, I64, opts.numRows],
    [4, LIST, {
      list: STRUCT,
      items: opts.rowGroups.map((rg, i): ThriftField[] => [
        [1, LIST, { list: STRUCT, items: rg.columns.map(columnChunkFields) }],
        [2, I64, rg.totalByteSize],
        [3, I64, rg.numRows],
        [5, I64, rg.fileOffset],
        [6, I64, rg.totalCompressedSize],
        [7, TType.I16, i],
      ]),
    }],
    [5, LIST, opts.keyValueMetadata.size === 0 ? undefined : { list: STRUCT, items: [...opts.keyValueMetadata].map(([k, v]): ThriftField[] => [[1, BINARY, k], [2, BINARY, v]]) }],
    [6, BINARY, opts.createdBy],
    [7, LIST, { list: STRUCT, items: Array.from({ length: opts.leafCount }, () => typeOrder) }],
  ], 1024);
}
