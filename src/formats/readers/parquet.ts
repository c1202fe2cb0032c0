/**
 * Parquet files of any origin → Arrow record batches: the Iceberg-aware
 * reader in `../parquet/read`, given a schema derived from the file itself
 * (field ids from the file, or assigned by position when it has none).
 */
import type { RecordBatch, Schema as ArrowSchema } from 'apache-arrow';
import { UnsupportedError, ValidationError } from '../../errors.js';
import { Types, optionalField, requiredField } from '../../iceberg/spec/types.js';
import type { IcebergType, NestedField, StructType } from '../../iceberg/spec/types.js';
import type { FileIO } from '../../io/file-io.js';
import { icebergToArrowSchema } from '../arrow/schema.js';
import { readParquetFooter } from '../parquet/read/footer.js';
import { isListNode, isMapNode, listElement, primitiveTypeOf } from '../parquet/read/file-schema.js';
import type { FileNode } from '../parquet/read/file-schema.js';
import type { MappedField, NameMapping } from '../parquet/read/name-mapping.js';
import { readParquet as readParquetFile } from '../parquet/read/reader.js';
import { DEFAULT_READ_BATCH_SIZE, batchStream, positiveOption } from '../stream.js';
import type { RecordBatchStream } from '../stream.js';

/** Options for {@link readParquet}. */
export interface ParquetReadOptions {
  /** Rows per batch. @default 65536 */
  batchSize?: number;
  /** Only these top-level columns, in this order. */
  columns?: readonly string[];
}

function mappingOf(nodes: readonly FileNode[], ids: { next: number }): NameMapping {
  return nodes.map((n): MappedField => ({ fieldId: ids.next++, names: [n.element.name], fields: mappingOf(n.children, ids) }));
}

function required(n: FileNode): boolean {
  return n.element.repetition_type === 'REQUIRED';
}

function typeOf(n: FileNode): IcebergType {
  const where = n.path.join('.');
  if (n.children.length === 0) {
    const t = primitiveTypeOf(n.element);
    if (t === undefined) throw new UnsupportedError(`Parquet column ${JSON.stringify(where)} has a physical/logical type lakekit cannot read; project it away with the columns option`);
    return t;
  }
  if (isMapNode(n)) {
    const [k, v] = n.children[0]!.children as [FileNode, FileNode];
    return Types.map(k.fieldId!, typeOf(k), v.fieldId!, typeOf(v), required(v));
  }
  if (isListNode(n)) {
    const e = listElement(n);
    return Types.list(e.fieldId!, typeOf(e), required(e));
  }
  return Types.struct(n.children.map(fieldOf));
}

function fieldOf(n: FileNode): NestedField {
  const type = typeOf(n);
  return required(n) ? requiredField(n.fieldId!, n.element.name, type) : optionalField(n.fieldId!, n.element.name, type);
}

/**
 * Read a Parquet file as Arrow record batches, one row group at a time (memory
 * bounded by a row group's columns). The schema is the file's own.
 *
 * @example
 * ```ts
 * const stream = readParquet(io, 'data/part-0.parquet', { columns: ['id', 'amount'] });
 * for await (const batch of stream) console.log(batch.numRows);
 * ```
 */
export function readParquet(io: FileIO, location: string, options: ParquetReadOptions = {}): RecordBatchStream {
  const batchSize = positiveOption('batchSize', options.batchSize, DEFAULT_READ_BATCH_SIZE);
  return batchStream([], async function* (setSchema: (s: ArrowSchema) => void): AsyncGenerator<RecordBatch> {
    let footer = await readParquetFooter(io, location);
    const nameMapping = footer.schema.hasFieldIds ? undefined : mappingOf(footer.schema.columns, { next: 1 });
    if (nameMapping !== undefined) footer = await readParquetFooter(io, location, { fileSize: footer.fileSize, nameMapping });
    let fields = footer.schema.columns.map(fieldOf);
    if (options.columns !== undefined) {
      fields = options.columns.map((name) => {
        const f = fields.find((x) => x.name === name);
        if (f === undefined) throw new ValidationError(`the Parquet file ${location} has no column ${JSON.stringify(name)}; its columns are ${fields.map((x) => x.name).join(', ')}`);
        return f;
      });
    }
    const schema: StructType = Types.struct(fields);
    setSchema(icebergToArrowSchema(schema));
    yield* readParquetFile(io, location, { schema, footer, batchSize, ...(nameMapping !== undefined ? { nameMapping } : {}) });
  });
}
