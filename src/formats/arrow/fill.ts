/**
 * Columns that are not in the data: all nulls, or a field's `initial-default`
 * repeated (Iceberg spec, "Default values": rows written before a field was
 * added read as its initial default).
 */
import { makeData } from 'apache-arrow';
import type { Data, Field } from 'apache-arrow';
import { ValidationError } from '../../errors.js';
import type { IcebergType, NestedField } from '../../iceberg/spec/types.js';
import { buildData } from './build-data.js';
import { icebergToArrowType } from './schema.js';

/** Arrow `Data` of `length` nulls of the Arrow form of `type` (nested children are empty or null too). */
export function nullData(type: IcebergType, length: number): Data {
  const arrow = icebergToArrowType(type);
  const bitmap = new Uint8Array((length + 7) >> 3);
  switch (type.type) {
    case 'unknown':
      return makeData({ type: arrow, length, nullCount: length } as never);
    case 'struct':
      return makeData({
        type: arrow,
        length,
        nullCount: length,
        nullBitmap: bitmap,
        children: type.fields.map((f) => nullData(f.type, length)),
      } as never);
    case 'list':
      return makeData({ type: arrow, length, nullCount: length, nullBitmap: bitmap, valueOffsets: new Int32Array(length + 1), child: nullData(type.element, 0) } as never);
    case 'map': {
      const entries = (arrow.children as Field[])[0]!.type;
      const child = makeData({ type: entries, length: 0, nullCount: 0, children: [nullData(type.key, 0), nullData(type.value, 0)] } as never);
      return makeData({ type: arrow, length, nullCount: length, nullBitmap: bitmap, valueOffsets: new Int32Array(length + 1), child } as never);
    }
    default:
      // buildData of nulls gives zero-filled buffers of the right width with an all-null bitmap.
      return buildData(type, false, new Array<null>(length).fill(null), { path: '' });
  }
}

/**
 * The column to use for a field the data does not have: its `initialDefault`
 * repeated, or nulls. Throws ValidationError for a required field without a
 * default (the data cannot be read as that schema).
 */
export function missingFieldData(field: NestedField, length: number, where: string): Data {
  if (field.initialDefault !== undefined && field.initialDefault !== null) {
    return buildData(field.type, field.required, new Array<unknown>(length).fill(field.initialDefault), { path: field.name });
  }
  if (field.required) {
    throw new ValidationError(`${where} has no column for required field ${field.id} (${JSON.stringify(field.name)}) and the field has no initial default; read it with a schema where the field is optional`, {
      context: { fieldId: field.id },
    });
  }
  return nullData(field.type, length);
}
