/**
 * Decode one column chunk into Dremel levels and dense values: page headers,
 * decompression, level and value decoding come from hyparquet's page
 * decoders; dictionary lookup, concatenation and every bound a hostile file
 * could break are checked here, so corruption ends as ValidationError and
 * never as an unbounded allocation or loop.
 */
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import type { ColumnMetaData, Compressors, DecodedArray } from 'hyparquet';
import { ValidationError } from '../../../errors.js';
import type { FileNode } from './file-schema.js';

/** Largest decompressed page lakekit accepts (writers default to 1 MiB pages). */
export const MAX_PAGE_BYTES = 256 * 1024 * 1024;

/**
 * Most level entries (values, nulls and list elements) one column chunk may
 * hold: run-length encoding lets a few hostile bytes claim billions, so the
 * reader refuses more than this instead of allocating for them.
 */
export const MAX_CHUNK_ENTRIES = 1 << 27;

/** The decoded content of one column chunk. */
export interface LeafColumn {
  /** Number of level entries (values and nulls, elements counted inside lists). */
  readonly count: number;
  /** Definition level per entry; undefined when the column cannot be null (all at max). */
  readonly def: Uint8Array | undefined;
  /** Repetition level per entry; undefined for columns outside lists and maps. */
  readonly rep: Uint8Array | undefined;
  /** The non-null values, in order, dictionary-decoded. */
  readonly values: DecodedArray;
  /** Maximum definition level (an entry with it holds a value). */
  readonly maxDef: number;
}

type Decoder = Parameters<typeof readDataPage>[2];

function concatLevels(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function emptyValues(type: string, n: number): DecodedArray {
  switch (type) {
    case 'INT32':
      return new Int32Array(n);
    case 'INT64':
      return new BigInt64Array(n);
    case 'FLOAT':
      return new Float32Array(n);
    case 'DOUBLE':
      return new Float64Array(n);
    case 'BOOLEAN':
      return new Uint8Array(n);
    default:
      return new Array<unknown>(n);
  }
}

function concatValues(type: string, parts: DecodedArray[], total: number): DecodedArray {
  if (parts.length === 1 && type !== 'BOOLEAN') return parts[0]!;
  const out = emptyValues(type, total) as unknown[];
  let o = 0;
  for (const p of parts) {
    if (ArrayBuffer.isView(out) && ArrayBuffer.isView(p) && type !== 'BOOLEAN') {
      (out as unknown as Int32Array).set(p as Int32Array, o);
      o += p.length;
    } else {
      for (let i = 0; i < p.length; i++) out[o++] = type === 'BOOLEAN' ? (p[i] ? 1 : 0) : p[i];
    }
  }
  return out as DecodedArray;
}

function fromDictionary(indexes: DecodedArray, dictionary: DecodedArray, fail: (why: string) => never): DecodedArray {
  const n = indexes.length;
  const out = ArrayBuffer.isView(dictionary) ? new (dictionary.constructor as new (n: number) => unknown[])(n) : new Array<unknown>(n);
  const size = dictionary.length;
  for (let i = 0; i < n; i++) {
    const k = indexes[i] as number;
    if (!(k >= 0 && k < size)) fail(`dictionary index ${String(k)} is outside the dictionary of ${size} values`);
    out[i] = dictionary[k];
  }
  return out as DecodedArray;
}

function levelsOf(levels: readonly number[] | undefined, n: number, max: number, fail: (why: string) => never): Uint8Array {
  const out = new Uint8Array(n);
  if (levels === undefined || levels.length === 0) return out.fill(max);
  if (levels.length !== n) fail(`a page has ${levels.length} levels for ${n} values`);
  for (let i = 0; i < n; i++) {
    const l = levels[i]!;
    if (!(l >= 0 && l <= max)) fail(`a level of ${String(l)} is above the maximum ${max}`);
    out[i] = l;
  }
  return out;
}

/**
 * Decode the pages of one column chunk (`bytes` is the whole chunk).
 * Throws ValidationError when the chunk is corrupt or does not match its
 * metadata.
 */
export function readColumnChunk(bytes: Uint8Array, leaf: FileNode, meta: ColumnMetaData, numRows: number, compressors: Compressors, where: string): LeafColumn {
  const fail: (why: string) => never = (why) => {
    throw new ValidationError(`${where}, column ${leaf.path.join('.')}: ${why}; the file is corrupt`);
  };
  const maxDef = leaf.defLevel;
  const maxRep = leaf.repLevel;
  const type = leaf.element.type!;
  if (meta.type !== type) fail(`the chunk says ${meta.type} but the schema says ${type}`);
  const expected = Number(meta.num_values);
  if (!Number.isSafeInteger(expected) || expected < 0) fail('the value count is invalid');
  if (expected > MAX_CHUNK_ENTRIES) fail(`the chunk claims ${expected} values (lakekit reads at most ${MAX_CHUNK_ENTRIES} per column chunk)`);
  if (maxRep === 0 && expected !== numRows) fail(`the chunk has ${expected} values for ${numRows} rows`);
  const decoder: Decoder = {
    pathInSchema: [...leaf.path],
    type,
    element: leaf.element,
    schemaPath: [...leaf.schemaPath],
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
    compressors,
    utf8: false,
  };
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let dictionary: DecodedArray | undefined;
  const defs: Uint8Array[] = [];
  const reps: Uint8Array[] = [];
  const values: DecodedArray[] = [];
  let count = 0;
  let valueCount = 0;
  while (count < expected) {
    if (reader.offset >= bytes.length) fail(`the chunk ends after ${count} of ${expected} values`);
    const header = parquetHeader(reader);
    const size = header.compressed_page_size;
    const rawSize = header.uncompressed_page_size;
    if (!(size >= 0 && reader.offset + size <= bytes.length)) fail('a page runs past the end of its column chunk');
    if (!(rawSize >= 0 && rawSize <= MAX_PAGE_BYTES)) fail(`a page claims ${rawSize} bytes uncompressed (the limit is ${MAX_PAGE_BYTES})`);
    if (meta.codec === 'UNCOMPRESSED' && header.type !== 'DATA_PAGE_V2' && rawSize !== size) fail('an uncompressed page has two different sizes');
    const page = bytes.subarray(reader.offset, reader.offset + size);
    reader.offset += size;
    if (header.type === 'DICTIONARY_PAGE') {
      const dph = header.dictionary_page_header;
      if (dph === undefined || dictionary !== undefined) fail('the chunk has a missing or second dictionary page header');
      if (!(dph.num_values >= 0 && dph.num_values <= rawSize * 8 + 8)) fail('the dictionary size is invalid');
      const plain = decompressPage(page, rawSize, meta.codec, compressors);
      dictionary = readPlain({ view: new DataView(plain.buffer, plain.byteOffset, plain.byteLength), offset: 0 }, type, dph.num_values, leaf.element.type_length);
      continue;
    }
    if (header.type !== 'DATA_PAGE' && header.type !== 'DATA_PAGE_V2') continue; // index pages carry nothing to read
    const n = header.type === 'DATA_PAGE' ? header.data_page_header?.num_values : header.data_page_header_v2?.num_values;
    if (n === undefined || !(n >= 0 && count + n <= expected)) fail('a data page has an invalid value count');
    const encoding = header.type === 'DATA_PAGE' ? header.data_page_header!.encoding : header.data_page_header_v2!.encoding;
    const decoded =
      header.type === 'DATA_PAGE' ? readDataPage(decompressPage(page, rawSize, meta.codec, compressors), header.data_page_header!, decoder) : readDataPageV2(page, header, decoder);
    const def = maxDef > 0 ? levelsOf(decoded.definitionLevels, n, maxDef, fail) : undefined;
    const rep = maxRep > 0 ? levelsOf(decoded.repetitionLevels, n, maxRep, fail) : undefined;
    let present = n;
    if (def !== undefined) {
      present = 0;
      for (let i = 0; i < n; i++) if (def[i] === maxDef) present++;
    }
    let data = decoded.dataPage;
    if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY' || (encoding === 'RLE' && type !== 'BOOLEAN')) {
      if (dictionary === undefined) fail('a dictionary-encoded page comes without a dictionary');
      data = fromDictionary(data.length > present ? data.slice(0, present) : data, dictionary, fail);
    }
    if (data.length < present) fail(`a page holds ${data.length} values where its levels need ${present}`);
    if (data.length > present) data = data.slice(0, present);
    if (def !== undefined) defs.push(def);
    if (rep !== undefined) reps.push(rep);
    values.push(data);
    count += n;
    valueCount += present;
  }
  const rep = maxRep > 0 ? concatLevels(reps, count) : undefined;
  if (rep !== undefined) {
    let rows = 0;
    for (let i = 0; i < count; i++) if (rep[i] === 0) rows++;
    if (rows !== numRows || (count > 0 && rep[0] !== 0)) fail(`the chunk holds ${rows} rows where the row group has ${numRows}`);
  }
  return {
    count,
    def: maxDef > 0 ? concatLevels(defs, count) : undefined,
    rep,
    values: concatValues(type, values, valueCount),
    maxDef,
  };
}
