/**
 * Snapshots and snapshot references (spec "Snapshots", "Snapshot
 * References", Appendix C). Snapshot ids, sequence numbers, row ids and ages
 * are `bigint`; wall-clock `timestampMs` is a `number`.
 *
 * @example
 * ```ts
 * const snapshot: Snapshot = {
 *   snapshotId: newSnapshotId(), sequenceNumber: 1n, timestampMs: Date.now(),
 *   manifestList: 's3://bucket/t/metadata/snap-1.avro', summary: { operation: 'append' }, schemaId: 0,
 * };
 * ```
 */
import { asObject, has, invalid, optInt, optLong, optString, reqLong, reqMillis, reqString, asArray } from './json-read.js';

/** The `operation` values the spec defines. */
export type SnapshotOperation = 'append' | 'replace' | 'overwrite' | 'delete';

/** Snapshot summary: `operation` plus optional string metrics (Appendix F). */
export interface SnapshotSummary {
  readonly operation: SnapshotOperation | (string & {});
  readonly [key: string]: string;
}

/** A snapshot of the table. */
export interface Snapshot {
  readonly snapshotId: bigint;
  readonly parentSnapshotId?: bigint;
  /** 0 for snapshots read from v1 metadata. */
  readonly sequenceNumber: bigint;
  readonly timestampMs: number;
  /** Location of the manifest list (required from v2). */
  readonly manifestList?: string;
  /** v1 only: manifest locations embedded instead of a manifest list. */
  readonly manifests?: readonly string[];
  /** Absent only in old v1 metadata. */
  readonly summary?: SnapshotSummary;
  readonly schemaId?: number;
  /** v3 row lineage: first `_row_id` assigned in this snapshot. */
  readonly firstRowId?: bigint;
  /** v3 row lineage: upper bound of rows assigned ids in this snapshot. */
  readonly addedRows?: bigint;
  /** v3: id of the key that encrypts the manifest list key metadata. */
  readonly keyId?: string;
}

/** Name of the branch that `current-snapshot-id` follows. */
export const MAIN_BRANCH = 'main';

/** A named reference to a snapshot: a branch or a tag, with retention settings. */
export interface SnapshotRef {
  readonly snapshotId: bigint;
  readonly type: 'branch' | 'tag';
  /** Branches only: minimum snapshots to keep when expiring. */
  readonly minSnapshotsToKeep?: number;
  /** Branches only: maximum snapshot age to keep when expiring. */
  readonly maxSnapshotAgeMs?: bigint;
  /** Maximum age of the reference itself (never for `main`). */
  readonly maxRefAgeMs?: bigint;
}

const LONG_MAX = 2n ** 63n - 1n;

/**
 * A new random snapshot id: positive and 63-bit, like Java's (a random
 * long masked with `Long.MAX_VALUE`). Pass `exists` to avoid ids already used.
 */
export function newSnapshotId(exists: (id: bigint) => boolean = () => false): bigint {
  const buf = new BigUint64Array(1);
  for (;;) {
    crypto.getRandomValues(buf);
    const id = buf[0]! & LONG_MAX;
    if (id !== 0n && !exists(id)) return id;
  }
}

/** The JSON form of a snapshot for the given format version (v1 omits `sequence-number`). */
export function snapshotToJson(s: Snapshot, formatVersion = 2): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (formatVersion > 1) out['sequence-number'] = s.sequenceNumber;
  out['snapshot-id'] = s.snapshotId;
  if (s.parentSnapshotId !== undefined) out['parent-snapshot-id'] = s.parentSnapshotId;
  out['timestamp-ms'] = s.timestampMs;
  if (s.summary !== undefined) out.summary = { ...s.summary };
  if (s.manifestList !== undefined) out['manifest-list'] = s.manifestList;
  else if (s.manifests !== undefined) out.manifests = [...s.manifests];
  if (s.schemaId !== undefined) out['schema-id'] = s.schemaId;
  if (s.firstRowId !== undefined) out['first-row-id'] = s.firstRowId;
  if (s.addedRows !== undefined) out['added-rows'] = s.addedRows;
  if (s.keyId !== undefined) out['key-id'] = s.keyId;
  return out;
}

function summaryFromJson(json: unknown, where: string): SnapshotSummary | undefined {
  const o = asObject(json, `${where} field "summary"`);
  const entries = Object.entries(o);
  if (entries.length === 0) return undefined;
  for (const [k, v] of entries) if (typeof v !== 'string') invalid(`${where} summary`, `value of "${k}" must be a string`);
  // Java reads a summary without `operation` as an overwrite
  return Object.freeze(Object.fromEntries(has(o, 'operation') ? entries : [['operation', 'overwrite'], ...entries])) as SnapshotSummary;
}

/** Parse a snapshot's JSON form (v1, v2 or v3). Throws ValidationError. */
export function snapshotFromJson(json: unknown, where = 'snapshot'): Snapshot {
  const o = asObject(json, where);
  const snapshotId = reqLong(o, 'snapshot-id', where);
  const at = `snapshot ${snapshotId}`;
  const s: { -readonly [K in keyof Snapshot]: Snapshot[K] } = {
    snapshotId,
    sequenceNumber: optLong(o, 'sequence-number', at) ?? 0n,
    timestampMs: reqMillis(o, 'timestamp-ms', at),
  };
  const parent = optLong(o, 'parent-snapshot-id', at);
  if (parent !== undefined) s.parentSnapshotId = parent;
  if (has(o, 'summary')) {
    const summary = summaryFromJson(o.summary, at);
    if (summary !== undefined) s.summary = summary;
  }
  if (has(o, 'manifest-list')) s.manifestList = reqString(o, 'manifest-list', at);
  else if (has(o, 'manifests')) {
    s.manifests = asArray(o.manifests, `${at} field "manifests"`).map((m, i) => (typeof m === 'string' ? m : invalid(`${at} manifests[${i}]`, 'expected a string')));
  } else invalid(at, 'missing required field "manifest-list"');
  const schemaId = optInt(o, 'schema-id', at);
  if (schemaId !== undefined) s.schemaId = schemaId;
  const firstRowId = optLong(o, 'first-row-id', at);
  if (firstRowId !== undefined) s.firstRowId = firstRowId;
  const addedRows = optLong(o, 'added-rows', at);
  if (addedRows !== undefined) s.addedRows = addedRows;
  const keyId = optString(o, 'key-id', at);
  if (keyId !== undefined) s.keyId = keyId;
  return Object.freeze(s);
}

/** The JSON form of a snapshot reference. */
export function snapshotRefToJson(ref: SnapshotRef): Record<string, unknown> {
  const out: Record<string, unknown> = { 'snapshot-id': ref.snapshotId, type: ref.type };
  if (ref.minSnapshotsToKeep !== undefined) out['min-snapshots-to-keep'] = ref.minSnapshotsToKeep;
  if (ref.maxSnapshotAgeMs !== undefined) out['max-snapshot-age-ms'] = ref.maxSnapshotAgeMs;
  if (ref.maxRefAgeMs !== undefined) out['max-ref-age-ms'] = ref.maxRefAgeMs;
  return out;
}

/** Parse a snapshot reference's JSON form. Throws ValidationError. */
export function snapshotRefFromJson(json: unknown, where = 'snapshot ref'): SnapshotRef {
  const o = asObject(json, where);
  const type = reqString(o, 'type', where).toLowerCase();
  if (type !== 'branch' && type !== 'tag') invalid(where, `type must be "branch" or "tag", got ${JSON.stringify(type.slice(0, 20))}`);
  const ref: { -readonly [K in keyof SnapshotRef]: SnapshotRef[K] } = { snapshotId: reqLong(o, 'snapshot-id', where), type };
  const minSnapshotsToKeep = optInt(o, 'min-snapshots-to-keep', where);
  if (minSnapshotsToKeep !== undefined) ref.minSnapshotsToKeep = minSnapshotsToKeep;
  const maxSnapshotAgeMs = optLong(o, 'max-snapshot-age-ms', where);
  if (maxSnapshotAgeMs !== undefined) ref.maxSnapshotAgeMs = maxSnapshotAgeMs;
  const maxRefAgeMs = optLong(o, 'max-ref-age-ms', where);
  if (maxRefAgeMs !== undefined) ref.maxRefAgeMs = maxRefAgeMs;
  return Object.freeze(ref);
}

/** Whether two refs are equal in every field. */
export function snapshotRefEquals(a: SnapshotRef, b: SnapshotRef): boolean {
  return (
    a.snapshotId === b.snapshotId &&
    a.type === b.type &&
    a.minSnapshotsToKeep === b.minSnapshotsToKeep &&
    a.maxSnapshotAgeMs === b.maxSnapshotAgeMs &&
    a.maxRefAgeMs === b.maxRefAgeMs
  );
}
