/**
 * Iceberg schemas as Glue (Hive) columns, the way Iceberg's Java GlueCatalog
 * and pyiceberg write them, so Athena, the Glue console and Lake Formation see
 * the table's columns. Each column carries `iceberg.field.id`,
 * `iceberg.field.optional` and `iceberg.field.current` (false for fields of
 * older schemas that the current one dropped).
 *
 * @module
 */
import type { Column } from '@aws-sdk/client-glue';
import type { TableMetadata } from '../../iceberg/spec/metadata.js';
import type { IcebergType } from '../../iceberg/spec/types.js';

/** The Hive type string Glue shows for an Iceberg type. */
export function glueTypeOf(t: IcebergType): string {
  switch (t.type) {
    case 'boolean':
    case 'int':
    case 'float':
    case 'double':
    case 'date':
    case 'string':
    case 'binary':
      return t.type;
    case 'long':
      return 'bigint';
    case 'time':
    case 'uuid':
    case 'variant':
    case 'unknown':
      return 'string';
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return 'timestamp';
    case 'fixed':
    case 'geometry':
    case 'geography':
      return 'binary';
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${glueTypeOf(f.type)}`).join(',')}>`;
    case 'list':
      return `array<${glueTypeOf(t.element)}>`;
    case 'map':
      return `map<${glueTypeOf(t.key)},${glueTypeOf(t.value)}>`;
  }
}

/**
 * Glue columns for a table: the current schema's top-level fields first
 * (`iceberg.field.current=true`), then fields of older schemas no longer in
 * it (`false`), each name once.
 */
export function glueColumns(metadata: TableMetadata): Column[] {
  const current = metadata.schemas.find((s) => s.schemaId === metadata.currentSchemaId);
  const seen = new Set<string>();
  const columns: Column[] = [];
  const add = (fields: TableMetadata['schemas'][number]['fields'], isCurrent: boolean) => {
    for (const f of fields) {
      if (seen.has(f.name)) continue;
      seen.add(f.name);
      columns.push({
        Name: f.name,
        Type: glueTypeOf(f.type),
        ...(f.doc === undefined ? {} : { Comment: f.doc }),
        Parameters: { 'iceberg.field.id': String(f.id), 'iceberg.field.optional': String(!f.required), 'iceberg.field.current': String(isCurrent) },
      });
    }
  };
  if (current !== undefined) add(current.fields, true);
  for (const s of [...metadata.schemas].reverse()) if (s !== current) add(s.fields, false);
  return columns;
}
