/**
 * Logical column types of Arrow schemas (what schema rules and the SQL
 * compiler reason about).
 *
 * @module
 */
import { DataType, Type, type Schema } from 'apache-arrow';
import type { LogicalType } from './rules.js';

/** The logical type of an Arrow data type. */
export function logicalTypeOf(t: DataType): LogicalType {
  switch (t.typeId) {
    case Type.Int:
      return 'integer';
    case Type.Float:
      return 'float';
    case Type.Decimal:
      return 'decimal';
    case Type.Bool:
      return 'boolean';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Timestamp:
      return 'timestamp';
    case Type.Date:
      return 'date';
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'binary';
    case Type.Dictionary:
      return logicalTypeOf((t as unknown as { dictionary: DataType }).dictionary);
    default:
      return 'other';
  }
}

/** Column name → logical type of an Arrow schema. */
export function logicalSchemaOf(schema: Schema): Record<string, LogicalType> {
  const out: Record<string, LogicalType> = {};
  for (const f of schema.fields) out[f.name] = logicalTypeOf(f.type);
  return out;
}
