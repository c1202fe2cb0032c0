/**
 * Avro object container files → Arrow record batches, streaming block by
 * block through the container reader in `../avro`. The Arrow schema follows
 * the writer's Avro schema: `["null", T]` unions become nullable columns,
 * logical types map to their Iceberg types (decimal, date, time, timestamps),
 * records become structs, arrays lists, maps maps, enums strings.
 */
import type { RecordBatch, Schema as ArrowSchema } from 'apache-arrow';
import { UnsupportedError } from '../../errors.js';
import { unscaledFromBytes } from '../../iceberg/spec/decimal.js';
import { Types, optionalField, requiredField } from '../../iceberg/spec/types.js';
import type { IcebergType, NestedField, StructType } from '../../iceberg/spec/types.js';
import { rowsToArrow } from '../arrow/rows-to-arrow.js';
import { icebergToArrowSchema } from '../arrow/schema.js';
import { AvroFileReader } from '../avro/container-read.js';
import type { AvroValue } from '../avro/datum.js';
import type { AvroSchema } from '../avro/schema.js';
import { DEFAULT_READ_BATCH_SIZE, batchStream, chunksOf, positiveOption } from '../stream.js';
import type { ByteSource, RecordBatchStream } from '../stream.js';

/** Options for {@link readAvro}. */
export interface AvroDataReadOptions {
  /** Rows per batch. @default 65536 */
  batchSize?: number;
}

/** A converter from the Avro in-memory value to what `rowsToArrow` takes for the Iceberg type. */
type Convert = (v: AvroValue) => unknown;

interface Mapped {
  type: IcebergType;
  nullable: boolean;
  convert: Convert;
}

const same: Convert = (v) => v;

function mapType(s: AvroSchema, ids: { next: number }, path: string): Mapped {
  if (s.type === 'union') {
    const rest = s.branches.filter((b) => b.type !== 'null');
    if (rest.length !== 1) {
      throw new UnsupportedError(`Avro field ${JSON.stringify(path)} is a union of ${s.branches.length} types; only ["null", T] unions map to a column`, { context: { column: path } });
    }
    const inner = mapType(rest[0]!, ids, path);
    return { ...inner, nullable: rest.length < s.branches.length || inner.nullable };
  }
  const logical = s.props.logicalType;
  switch (s.type) {
    case 'record': {
      const fields: NestedField[] = [];
      const converts: [string, Convert][] = [];
      for (const f of s.fields) {
        const id = ids.next++;
        const m = mapType(f.type, ids, path === '' ? f.name : `${path}.${f.name}`);
        fields.push(m.nullable ? optionalField(id, f.name, m.type) : requiredField(id, f.name, m.type));
        converts.push([f.name, m.convert]);
      }
      return {
        type: Types.struct(fields),
        nullable: false,
        convert: (v) => {
          if (v === null) return null;
          const rec = v as Record<string, AvroValue>;
          const out: Record<string, unknown> = {};
          for (const [name, c] of converts) {
            const x = rec[name];
            out[name] = x === null || x === undefined ? null : c(x);
          }
          return out;
        },
      };
    }
    case 'array': {
      const id = ids.next++;
      const e = mapType(s.items, ids, `${path}.element`);
      return { type: Types.list(id, e.type, !e.nullable), nullable: false, convert: (v) => (v as AvroValue[]).map((x) => (x === null ? null : e.convert(x))) };
    }
    case 'map': {
      const keyId = ids.next++;
      const valueId = ids.next++;
      const m = mapType(s.values, ids, `${path}.value`);
      return {
        type: Types.map(keyId, Types.string, valueId, m.type, !m.nullable),
        nullable: false,
        convert: (v) => new Map([...(v as ReadonlyMap<string, AvroValue>)].map(([k, x]) => [k, x === null ? null : m.convert(x)])),
      };
    }
    case 'enum':
      return { type: Types.string, nullable: false, convert: same };
    case 'fixed':
    case 'bytes':
      if (logical === 'decimal') {
        const precision = Number(s.props.precision);
        const scale = Number(s.props.scale ?? 0);
        return { type: Types.decimal(precision, scale), nullable: false, convert: (v) => unscaledFromBytes(v as Uint8Array) };
      }
      return { type: s.type === 'fixed' ? Types.fixed(s.size) : Types.binary, nullable: false, convert: same };
    case 'int':
      if (logical === 'date') return { type: Types.date, nullable: false, convert: same };
      if (logical === 'time-millis') return { type: Types.time, nullable: false, convert: (v) => BigInt(v as number) * 1000n };
      return { type: Types.int, nullable: false, convert: same };
    case 'long':
      if (logical === 'timestamp-micros') return { type: Types.timestamptz, nullable: false, convert: same };
      if (logical === 'local-timestamp-micros') return { type: Types.timestamp, nullable: false, convert: same };
      if (logical === 'timestamp-millis') return { type: Types.timestamptz, nullable: false, convert: (v) => (v as bigint) * 1000n };
      if (logical === 'local-timestamp-millis') return { type: Types.timestamp, nullable: false, convert: (v) => (v as bigint) * 1000n };
      if (logical === 'time-micros') return { type: Types.time, nullable: false, convert: same };
      return { type: Types.long, nullable: false, convert: same };
    case 'null':
      return { type: Types.string, nullable: true, convert: () => null };
    default:
      return { type: Types[s.type], nullable: false, convert: same };
  }
}

async function* streamOf(src: ByteSource): AsyncGenerator<Uint8Array> {
  yield* chunksOf(src);
}

function toReadable(src: ByteSource): ReadableStream<Uint8Array> {
  const it = streamOf(src);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const r = await it.next();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await it.return(undefined);
    },
  });
}

/**
 * Read an Avro object container file as Arrow record batches, streaming (one
 * container block and one batch in memory). The top-level schema must be a
 * record.
 *
 * @example
 * ```ts
 * const stream = readAvro(await io.readStream('bronze/events.avro'));
 * for await (const batch of stream) console.log(batch.numRows);
 * ```
 */
export function readAvro(src: ByteSource, options: AvroDataReadOptions = {}): RecordBatchStream {
  const batchSize = positiveOption('batchSize', options.batchSize, DEFAULT_READ_BATCH_SIZE);
  return batchStream([], async function* (setSchema: (s: ArrowSchema) => void): AsyncGenerator<RecordBatch> {
    const reader = src instanceof Uint8Array ? await AvroFileReader.fromBytes(src) : await AvroFileReader.open(toReadable(src));
    try {
      const root = reader.header.schema;
      if (root.type !== 'record') {
        throw new UnsupportedError(`the Avro file's schema is a ${root.type}, not a record; only files of records map to a table`);
      }
      const mapped = mapType(root, { next: 1 }, '');
      const schema = mapped.type as StructType;
      setSchema(icebergToArrowSchema(schema));
      let rows: Record<string, unknown>[] = [];
      for await (const record of reader) {
        rows.push(mapped.convert(record) as Record<string, unknown>);
        if (rows.length === batchSize) {
          yield rowsToArrow(rows, schema).batches[0]!;
          rows = [];
        }
      }
      if (rows.length > 0) yield rowsToArrow(rows, schema).batches[0]!;
    } finally {
      await reader.close();
    }
  });
}
