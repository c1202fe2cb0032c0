/**
 * Table metadata JSON (spec Appendix C, "Table Metadata and Snapshots").
 *
 * Reading accepts v1, v2 and v3 and upgrades v1 shapes in memory: `schema`
 * becomes `schemas` + `current-schema-id`, `partition-spec` becomes
 * `partition-specs` + `default-spec-id` (field ids from 1000), a missing
 * `last-partition-id` is computed, missing sort orders become the unsorted
 * order, missing sequence numbers are 0, `current-snapshot-id: -1` means no
 * snapshot, and a missing `refs` gets a `main` branch for the current
 * snapshot. Writing follows the metadata's own format version the way Java
 * does (v1 also writes `schema` and `partition-spec`). Unknown top-level
 * fields are kept in `extra` and written back.
 *
 * Anything malformed raises ValidationError (a format version above 3 raises
 * UnsupportedError); no other exception escapes.
 */
import { UnsupportedError, ValidationError } from '../../errors.js';
import { parseJson } from '../../internal/json.js';
import { writeJson } from './json-write.js';
import type { JsonObject } from './json-read.js';
import { asArray, asObject, has, optArray, optInt, optLong, optString, optStringMap, reqInt, reqLong, reqMillis, reqString } from './json-read.js';
import type { FormatVersion, MetadataLogEntry, SnapshotLogEntry, TableMetadata } from './metadata.js';
import { SUPPORTED_FORMAT_VERSION, validateTableMetadata } from './metadata.js';
import type { PartitionSpec } from './partition.js';
import { lastAssignedFieldId, partitionFieldsFromJson, partitionFieldsToJson, partitionSpecFromJson, partitionSpecToJson } from './partition.js';
import type { Schema } from './schema.js';
import { schemaFromJson, schemaToJson } from './schema.js';
import type { SnapshotRef } from './snapshot.js';
import { MAIN_BRANCH, snapshotFromJson, snapshotRefFromJson, snapshotRefToJson, snapshotToJson } from './snapshot.js';
import { sortOrderFromJson, sortOrderToJson, UNSORTED_ORDER } from './sort-order.js';
import {
  encryptedKeyFromJson,
  encryptedKeyToJson,
  partitionStatisticsFileFromJson,
  partitionStatisticsFileToJson,
  statisticsFileFromJson,
  statisticsFileToJson,
} from './statistics.js';

/** Top-level fields this module understands; everything else goes to `extra`. */
const KNOWN = new Set([
  'format-version', 'table-uuid', 'location', 'last-sequence-number', 'last-updated-ms', 'last-column-id', 'schema', 'schemas',
  'current-schema-id', 'partition-spec', 'partition-specs', 'default-spec-id', 'last-partition-id', 'properties', 'current-snapshot-id',
  'snapshots', 'snapshot-log', 'metadata-log', 'sort-orders', 'default-sort-order-id', 'refs', 'statistics', 'partition-statistics',
  'next-row-id', 'encryption-keys',
]);

const W = 'table metadata';

function schemasOf(o: JsonObject, version: number): { schemas: Schema[]; currentSchemaId: number } {
  if (has(o, 'schemas')) {
    const schemas = asArray(o.schemas, `${W} field "schemas"`).map((s, i) => schemaFromJson(s, `schemas[${i}]`));
    return { schemas, currentSchemaId: reqInt(o, 'current-schema-id', W) };
  }
  if (version > 1) throw new ValidationError(`${W}: "schemas" is required in format v${version}; the metadata is corrupt`);
  const schema = schemaFromJson(has(o, 'schema') ? o.schema : undefined, 'schema');
  return { schemas: [schema], currentSchemaId: schema.schemaId };
}

function specsOf(o: JsonObject, version: number): { partitionSpecs: PartitionSpec[]; defaultSpecId: number; lastPartitionId: number } {
  let partitionSpecs: PartitionSpec[];
  let defaultSpecId: number;
  if (has(o, 'partition-specs')) {
    partitionSpecs = asArray(o['partition-specs'], `${W} field "partition-specs"`).map((s, i) => partitionSpecFromJson(s, `partition-specs[${i}]`));
    defaultSpecId = reqInt(o, 'default-spec-id', W);
  } else {
    if (version > 1) throw new ValidationError(`${W}: "partition-specs" is required in format v${version}; the metadata is corrupt`);
    partitionSpecs = [partitionFieldsFromJson(has(o, 'partition-spec') ? o['partition-spec'] : undefined, 0, 'partition-spec')];
    defaultSpecId = 0;
  }
  const lastPartitionId = optInt(o, 'last-partition-id', W);
  if (lastPartitionId === undefined && version > 1) throw new ValidationError(`${W}: "last-partition-id" is required in format v${version}; the metadata is corrupt`);
  return { partitionSpecs, defaultSpecId, lastPartitionId: lastPartitionId ?? Math.max(...partitionSpecs.map(lastAssignedFieldId)) };
}

function refsOf(o: JsonObject, currentSnapshotId: bigint | undefined): Record<string, SnapshotRef> {
  if (has(o, 'refs')) {
    const refs = asObject(o.refs, `${W} field "refs"`);
    return Object.fromEntries(Object.entries(refs).map(([name, r]) => [name, snapshotRefFromJson(r, `ref ${JSON.stringify(name)}`)]));
  }
  return currentSnapshotId === undefined ? {} : { [MAIN_BRANCH]: Object.freeze({ snapshotId: currentSnapshotId, type: 'branch' as const }) };
}

function parse(json: unknown): TableMetadata {
  const o = asObject(json, W);
  const version = reqInt(o, 'format-version', W);
  if (version > SUPPORTED_FORMAT_VERSION) {
    throw new UnsupportedError(`table metadata has format version ${version}, but lakekit supports versions 1 to ${SUPPORTED_FORMAT_VERSION}; upgrade lakekit to read this table`);
  }
  if (version < 1) throw new ValidationError(`${W}: format-version ${version} is invalid; it must be 1, 2 or 3`);
  const { schemas, currentSchemaId } = schemasOf(o, version);
  const specs = specsOf(o, version);
  const hasOrders = has(o, 'sort-orders');
  if (!hasOrders && version > 1) throw new ValidationError(`${W}: "sort-orders" is required in format v${version}; the metadata is corrupt`);
  let currentSnapshotId = optLong(o, 'current-snapshot-id', W);
  if (currentSnapshotId === -1n) currentSnapshotId = undefined; // Java writes -1 for "none" in v1/v2
  const tableUuid = optString(o, 'table-uuid', W);
  const nextRowId = optLong(o, 'next-row-id', W);
  const m: TableMetadata = {
    formatVersion: version as FormatVersion,
    ...(tableUuid !== undefined ? { tableUuid } : {}),
    location: reqString(o, 'location', W),
    lastSequenceNumber: version > 1 ? reqLong(o, 'last-sequence-number', W) : 0n,
    lastUpdatedMs: reqMillis(o, 'last-updated-ms', W),
    lastColumnId: reqInt(o, 'last-column-id', W),
    schemas,
    currentSchemaId,
    ...specs,
    properties: optStringMap(o, 'properties', W),
    ...(currentSnapshotId !== undefined ? { currentSnapshotId } : {}),
    snapshots: optArray(o, 'snapshots', W).map((s, i) => snapshotFromJson(s, `snapshots[${i}]`)),
    snapshotLog: optArray(o, 'snapshot-log', W).map((e, i): SnapshotLogEntry => {
      const eo = asObject(e, `snapshot-log[${i}]`);
      return { timestampMs: reqMillis(eo, 'timestamp-ms', `snapshot-log[${i}]`), snapshotId: reqLong(eo, 'snapshot-id', `snapshot-log[${i}]`) };
    }),
    metadataLog: optArray(o, 'metadata-log', W).map((e, i): MetadataLogEntry => {
      const eo = asObject(e, `metadata-log[${i}]`);
      return { timestampMs: reqMillis(eo, 'timestamp-ms', `metadata-log[${i}]`), metadataFile: reqString(eo, 'metadata-file', `metadata-log[${i}]`) };
    }),
    sortOrders: hasOrders ? asArray(o['sort-orders'], `${W} field "sort-orders"`).map((s, i) => sortOrderFromJson(s, `sort-orders[${i}]`)) : [UNSORTED_ORDER],
    defaultSortOrderId: hasOrders ? reqInt(o, 'default-sort-order-id', W) : 0,
    refs: refsOf(o, currentSnapshotId),
    statistics: optArray(o, 'statistics', W).map((s, i) => statisticsFileFromJson(s, `statistics[${i}]`)),
    partitionStatistics: optArray(o, 'partition-statistics', W).map((s, i) => partitionStatisticsFileFromJson(s, `partition-statistics[${i}]`)),
    ...(version >= 3 ? { nextRowId: nextRowId ?? reqLong(o, 'next-row-id', W) } : {}),
    encryptionKeys: optArray(o, 'encryption-keys', W).map((k, i) => encryptedKeyFromJson(k, `encryption-keys[${i}]`)),
    extra: Object.fromEntries(Object.entries(o).filter(([k]) => !KNOWN.has(k))),
  };
  validateTableMetadata(m);
  return m;
}

/**
 * Parse table metadata from its parsed JSON value (integers may be number or
 * bigint). Throws ValidationError for anything malformed.
 */
export function tableMetadataFromJson(json: unknown): TableMetadata {
  return parse(json);
}

/**
 * Parse table metadata JSON text (a `vN.metadata.json` file). Long ids beyond
 * 2^53 are read exactly. Throws ValidationError.
 *
 * @example
 * ```ts
 * const metadata = parseTableMetadata(await io.readText(location));
 * currentSnapshot(metadata)?.manifestList;
 * ```
 */
export function parseTableMetadata(text: string): TableMetadata {
  return tableMetadataFromJson(parseJson(text, 'table metadata'));
}

/** The JSON value of table metadata, in Java's field order, for its own format version. */
export function tableMetadataToJson(m: TableMetadata): Record<string, unknown> {
  const v = m.formatVersion;
  const out: Record<string, unknown> = { 'format-version': v };
  if (m.tableUuid !== undefined) out['table-uuid'] = m.tableUuid;
  out.location = m.location;
  if (v > 1) out['last-sequence-number'] = m.lastSequenceNumber;
  out['last-updated-ms'] = m.lastUpdatedMs;
  out['last-column-id'] = m.lastColumnId;
  const current = m.schemas.find((s) => s.schemaId === m.currentSchemaId);
  if (v === 1 && current !== undefined) out.schema = schemaToJson(current);
  out['current-schema-id'] = m.currentSchemaId;
  out.schemas = m.schemas.map(schemaToJson);
  const spec = m.partitionSpecs.find((s) => s.specId === m.defaultSpecId);
  if (v === 1 && spec !== undefined) out['partition-spec'] = partitionFieldsToJson(spec);
  out['default-spec-id'] = m.defaultSpecId;
  out['partition-specs'] = m.partitionSpecs.map(partitionSpecToJson);
  out['last-partition-id'] = m.lastPartitionId;
  out['default-sort-order-id'] = m.defaultSortOrderId;
  out['sort-orders'] = m.sortOrders.map(sortOrderToJson);
  out.properties = { ...m.properties };
  out['current-snapshot-id'] = m.currentSnapshotId ?? (v >= 3 ? null : -1);
  if (v >= 3) out['next-row-id'] = m.nextRowId ?? 0n;
  if (m.encryptionKeys.length > 0) out['encryption-keys'] = m.encryptionKeys.map(encryptedKeyToJson);
  out.refs = Object.fromEntries(Object.entries(m.refs).map(([name, ref]) => [name, snapshotRefToJson(ref)]));
  out.snapshots = m.snapshots.map((s) => snapshotToJson(s, v));
  out.statistics = m.statistics.map(statisticsFileToJson);
  out['partition-statistics'] = m.partitionStatistics.map(partitionStatisticsFileToJson);
  out['snapshot-log'] = m.snapshotLog.map((e) => ({ 'timestamp-ms': e.timestampMs, 'snapshot-id': e.snapshotId }));
  out['metadata-log'] = m.metadataLog.map((e) => ({ 'timestamp-ms': e.timestampMs, 'metadata-file': e.metadataFile }));
  return { ...out, ...Object.fromEntries(Object.entries(m.extra).filter(([k]) => !KNOWN.has(k))) };
}

/** Table metadata as JSON text (pretty-printed with `space`, compact by default). */
export function writeTableMetadata(m: TableMetadata, space?: number): string {
  return writeJson(tableMetadataToJson(m), space);
}
