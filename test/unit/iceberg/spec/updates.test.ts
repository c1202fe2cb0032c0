import { describe, expect, it } from 'vitest';
import {
  addPartitionSpec,
  addSchema,
  addSortOrder,
  applyUpdates,
  buildPartitionSpec,
  checkRequirements,
  commitSnapshot,
  currentSchema,
  newSchema,
  newSortOrder,
  newTableMetadata,
  optionalField,
  parseTableMetadata,
  removeProperties,
  removeSnapshots,
  requiredField,
  requirementsFor,
  setCurrentSchema,
  setDefaultSpec,
  setProperties,
  setSnapshotRef,
  tableRequirementFromJson,
  tableRequirementToJson,
  tableUpdateFromJson,
  tableUpdateToJson,
  Transforms,
  Types,
  UNPARTITIONED_SPEC,
  UNSORTED_ORDER,
  writeTableMetadata,
} from '../../../../src/iceberg/spec/index.js';
import type { Snapshot, TableMetadata, TableRequirement, TableUpdate } from '../../../../src/iceberg/spec/index.js';
import { CommitConflictError, UnsupportedError, ValidationError } from '../../../../src/errors.js';
import { parseJson, stringifyJson } from '../../../../src/internal/json.js';
import { V2_METADATA } from './fixtures.js';

const schema = newSchema(
  [
    requiredField(10, 'id', Types.long),
    optionalField(20, 'ts', Types.timestamptz),
    optionalField(30, 'loc', Types.struct([optionalField(31, 'lat', Types.double), optionalField(32, 'tags', Types.list(33, Types.string))])),
    optionalField(40, 'attrs', Types.map(41, Types.string, 42, Types.string)),
  ],
  { identifierFieldIds: [10] },
);

function table(props: Record<string, string> = {}): TableMetadata {
  const spec = buildPartitionSpec(schema, [{ source: 'ts', transform: Transforms.day }]);
  const order = newSortOrder(5, [{ sourceId: 10, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }]);
  return newTableMetadata(schema, spec, order, 's3://lake/t/', props, { nowMs: 1000, tableUuid: '11111111-2222-4333-8444-555555555555' });
}

function snap(m: TableMetadata, id: bigint, ts: number, parent = m.currentSnapshotId): Snapshot {
  return {
    snapshotId: id,
    ...(parent !== undefined ? { parentSnapshotId: parent } : {}),
    sequenceNumber: m.lastSequenceNumber + 1n,
    timestampMs: ts,
    manifestList: `s3://lake/t/metadata/snap-${id}.avro`,
    summary: { operation: 'append' },
    schemaId: m.currentSchemaId,
  };
}

describe('newTableMetadata', () => {
  it('assigns fresh ids like Java: each struct’s fields first, then children', () => {
    const m = table();
    const s = currentSchema(m);
    expect(s.fields.map((f) => f.id)).toEqual([1, 2, 3, 4]);
    expect(s.fields[2]?.type).toEqual(Types.struct([optionalField(5, 'lat', Types.double), optionalField(6, 'tags', Types.list(7, Types.string))]));
    expect(s.fields[3]?.type).toEqual(Types.map(8, Types.string, 9, Types.string));
    expect(s.identifierFieldIds).toEqual([1]);
    expect(m.lastColumnId).toBe(9);
  });

  it('rebuilds the spec and sort order on the new ids', () => {
    const m = table();
    expect(m.partitionSpecs).toEqual([{ specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'ts_day', transform: Transforms.day }] }]);
    expect(m.lastPartitionId).toBe(1000);
    expect(m.sortOrders).toEqual([{ orderId: 1, fields: [{ sourceId: 1, transform: Transforms.identity, direction: 'asc', nullOrder: 'nulls-first' }] }]);
    expect(m.defaultSortOrderId).toBe(1);
  });

  it('takes the format version from properties, drops reserved ones, strips the trailing slash', () => {
    const m = table({ 'format-version': '3', owner: 'data-eng' });
    expect(m.formatVersion).toBe(3);
    expect(m.nextRowId).toBe(0n);
    expect(m.properties).toEqual({ owner: 'data-eng' });
    expect(m.location).toBe('s3://lake/t');
    expect(m.tableUuid).toBe('11111111-2222-4333-8444-555555555555');
    expect(table().formatVersion).toBe(2);
    expect(table({ 'format-version': '1' }).formatVersion).toBe(1);
    expect(() => table({ 'format-version': '4' })).toThrow(UnsupportedError);
    expect(() => table({ 'format-version': 'two' })).toThrow(ValidationError);
  });

  it('produces metadata that survives writing and reading', () => {
    const m = table();
    expect(parseTableMetadata(writeTableMetadata(m))).toEqual(m);
  });
});

describe('snapshots, refs and logs', () => {
  it('commits a snapshot: current snapshot, main ref, sequence number, snapshot log, metadata log', () => {
    const base = table();
    const m = commitSnapshot(base, snap(base, 1n, 5000), 'main', { nowMs: 6000, previousMetadataLocation: 's3://lake/t/metadata/v1.metadata.json' });
    expect(m.currentSnapshotId).toBe(1n);
    expect(m.refs.main).toEqual({ snapshotId: 1n, type: 'branch' });
    expect(m.lastSequenceNumber).toBe(1n);
    expect(m.lastUpdatedMs).toBe(6000);
    expect(m.snapshotLog).toEqual([{ timestampMs: 5000, snapshotId: 1n }]);
    expect(m.metadataLog).toEqual([{ timestampMs: 1000, metadataFile: 's3://lake/t/metadata/v1.metadata.json' }]);
    expect(base.snapshots).toHaveLength(0); // pure
  });

  it('trims the metadata log to write.metadata.previous-versions-max', () => {
    let m = table({ 'write.metadata.previous-versions-max': '2' });
    for (let i = 1; i <= 4; i++) m = setProperties(m, { n: String(i) }, { nowMs: 1000 + i, previousMetadataLocation: `v${i}.json` });
    expect(m.metadataLog.map((e) => e.metadataFile)).toEqual(['v3.json', 'v4.json']);
  });

  it('leaves intermediate snapshots of one commit out of the snapshot log', () => {
    const base = table();
    const s1 = snap(base, 1n, 10);
    const s2 = { ...snap(base, 2n, 20, 1n), sequenceNumber: 2n };
    const m = applyUpdates(base, [
      { action: 'add-snapshot', snapshot: s1 },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: 1n, type: 'branch' } },
      { action: 'add-snapshot', snapshot: s2 },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: 2n, type: 'branch' } },
    ]);
    expect(m.snapshotLog).toEqual([{ timestampMs: 20, snapshotId: 2n }]);
  });

  it('logs a rollback to an existing snapshot at the time of the change', () => {
    let m = table();
    m = commitSnapshot(m, snap(m, 1n, 10));
    m = commitSnapshot(m, snap(m, 2n, 20));
    m = setSnapshotRef(m, 'main', { snapshotId: 1n, type: 'branch' }, { nowMs: 99 });
    expect(m.currentSnapshotId).toBe(1n);
    expect(m.snapshotLog.at(-1)).toEqual({ timestampMs: 99, snapshotId: 1n });
  });

  it('removing snapshots drops refs, statistics and the log up to the removed entry', () => {
    let m = table();
    m = commitSnapshot(m, snap(m, 1n, 10));
    m = commitSnapshot(m, snap(m, 2n, 20));
    m = commitSnapshot(m, snap(m, 3n, 30));
    m = applyUpdates(m, [
      { action: 'set-snapshot-ref', refName: 'old', ref: { snapshotId: 2n, type: 'tag' } },
      { action: 'set-statistics', statistics: { snapshotId: 2n, statisticsPath: 'p', fileSizeInBytes: 1n, fileFooterSizeInBytes: 1n, blobMetadata: [] } },
    ]);
    m = removeSnapshots(m, [2n]);
    expect(m.snapshots.map((s) => s.snapshotId)).toEqual([1n, 3n]);
    expect(m.refs).not.toHaveProperty('old');
    expect(m.statistics).toEqual([]);
    expect(m.snapshotLog).toEqual([{ timestampMs: 30, snapshotId: 3n }]);
    m = removeSnapshots(m, [3n]);
    expect(m.currentSnapshotId).toBeUndefined();
    expect(m.refs).toEqual({});
  });

  it('removing the main ref clears the current snapshot', () => {
    let m = table();
    m = commitSnapshot(m, snap(m, 1n, 10));
    m = applyUpdates(m, [{ action: 'remove-snapshot-ref', refName: 'main' }]);
    expect(m.currentSnapshotId).toBeUndefined();
    expect(parseTableMetadata(writeTableMetadata(m))).toEqual(m);
  });

  it('refuses stale sequence numbers (conflict), duplicate ids, unknown snapshots and a tagged main', () => {
    let m = table();
    m = commitSnapshot(m, snap(m, 1n, 10));
    expect(() => commitSnapshot(m, { ...snap(m, 2n, 20), sequenceNumber: 1n })).toThrow(CommitConflictError);
    expect(() => commitSnapshot(m, snap(m, 1n, 20))).toThrow(/already exists/);
    expect(() => setSnapshotRef(m, 'x', { snapshotId: 9n, type: 'tag' })).toThrow(ValidationError);
    expect(() => setSnapshotRef(m, 'main', { snapshotId: 1n, type: 'tag' })).toThrow(/branch/);
  });

  it('tracks v3 row ids and rejects snapshots behind next-row-id', () => {
    let m = table({ 'format-version': '3' });
    m = commitSnapshot(m, { ...snap(m, 1n, 10), firstRowId: 0n, addedRows: 100n });
    expect(m.nextRowId).toBe(100n);
    expect(() => commitSnapshot(m, { ...snap(m, 2n, 20), firstRowId: 50n, addedRows: 1n })).toThrow(CommitConflictError);
    expect(() => commitSnapshot(m, snap(m, 2n, 20))).toThrow(/first-row-id/);
  });
});

describe('purity', () => {
  const deepFreeze = <T>(v: T): T => {
    if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const x of Object.values(v)) deepFreeze(x);
    }
    return v;
  };

  it('never modifies the base metadata', () => {
    const base = deepFreeze(parseTableMetadata(V2_METADATA));
    const before = writeTableMetadata(base);
    const next = applyUpdates(base, [
      { action: 'add-snapshot', snapshot: { ...base.snapshots[1]!, snapshotId: 7n, parentSnapshotId: base.currentSnapshotId!, sequenceNumber: 35n } },
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: 7n, type: 'branch' } },
      { action: 'remove-snapshots', snapshotIds: [3051729675574597004n] },
      { action: 'add-schema', schema: newSchema([requiredField(1, 'x', Types.long), optionalField(4, 'w', Types.string)]) },
      { action: 'set-current-schema', schemaId: -1 },
      { action: 'set-properties', updates: { k: 'v' } },
    ], { previousMetadataLocation: 'v2.json' });
    expect(writeTableMetadata(base)).toBe(before);
    expect(next.currentSnapshotId).toBe(7n);
    expect(next.refs).toEqual({ main: { snapshotId: 7n, type: 'branch' } });
  });
});

describe('schemas, specs, sort orders, properties', () => {
  it('adds schemas with new ids, reuses equal ones, and resolves -1', () => {
    let m = table();
    const wider = newSchema([...currentSchema(m).fields, optionalField(10, 'extra', Types.string)], { identifierFieldIds: [1] });
    m = addSchema(m, wider, true);
    expect(m.schemas.map((s) => s.schemaId)).toEqual([0, 1]);
    expect(m.currentSchemaId).toBe(1);
    expect(m.lastColumnId).toBe(10);
    const again = addSchema(m, wider);
    expect(again.schemas).toHaveLength(2);
    expect(setCurrentSchema(m, 0).currentSchemaId).toBe(0);
    expect(() => setCurrentSchema(m, 7)).toThrow(ValidationError);
    expect(() => applyUpdates(m, [{ action: 'set-current-schema', schemaId: -1 }])).toThrow(/no schema was added/);
    expect(() => addSchema(m, newSchema([optionalField(12, 'n', Types.timestamp_ns)]))).toThrow(/format v3/);
  });

  it('adds specs, reusing equivalent ones, and tracks the last partition id', () => {
    let m = table();
    const s = currentSchema(m);
    const bucket = buildPartitionSpec(s, [{ source: 'id', transform: Transforms.bucket(8) }], { lastAssignedFieldId: m.lastPartitionId });
    m = addPartitionSpec(m, bucket, true);
    expect(m.defaultSpecId).toBe(1);
    expect(m.lastPartitionId).toBe(1001);
    expect(addPartitionSpec(m, { ...bucket, specId: 9 }).partitionSpecs).toHaveLength(2);
    expect(setDefaultSpec(m, 0).defaultSpecId).toBe(0);
    expect(() => applyUpdates(m, [{ action: 'remove-partition-specs', specIds: [1] }])).toThrow(/default/);
    expect(applyUpdates(m, [{ action: 'remove-partition-specs', specIds: [0] }]).partitionSpecs.map((p) => p.specId)).toEqual([1]);
  });

  it('requires sequential field ids for v1 specs', () => {
    const m = table({ 'format-version': '1' });
    const spec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1005, name: 'id_b', transform: Transforms.bucket(2) }] };
    expect(() => addPartitionSpec(m, spec)).toThrow(/sequential/);
  });

  it('adds sort orders: unsorted is 0, new ones get the next id, equal ones are reused', () => {
    let m = table();
    m = addSortOrder(m, UNSORTED_ORDER, true);
    expect(m.defaultSortOrderId).toBe(0);
    const desc = newSortOrder(1, [{ sourceId: 2, transform: Transforms.day, direction: 'desc', nullOrder: 'nulls-last' }]);
    m = addSortOrder(m, desc, true);
    expect(m.defaultSortOrderId).toBe(2);
    expect(addSortOrder(m, desc).sortOrders).toHaveLength(3);
  });

  it('sets and removes properties, location, uuid and format version', () => {
    let m = setProperties(table(), { a: '1', b: '2' });
    m = removeProperties(m, ['a', 'missing']);
    expect(m.properties).toEqual({ b: '2' });
    expect(applyUpdates(m, [{ action: 'set-location', location: 's3://x' }]).location).toBe('s3://x');
    expect(() => applyUpdates(m, [{ action: 'assign-uuid', uuid: '00000000-0000-4000-8000-000000000000' }])).toThrow(ValidationError);
    expect(applyUpdates(m, [{ action: 'assign-uuid', uuid: m.tableUuid! }]).tableUuid).toBe(m.tableUuid);
    expect(applyUpdates(m, [{ action: 'upgrade-format-version', formatVersion: 3 }])).toMatchObject({ formatVersion: 3, nextRowId: 0n });
    expect(() => applyUpdates(m, [{ action: 'upgrade-format-version', formatVersion: 1 }])).toThrow(/downgrade/);
    expect(() => applyUpdates(m, [{ action: 'upgrade-format-version', formatVersion: 4 }])).toThrow(UnsupportedError);
  });

  it('creates a table from a REST create transaction', () => {
    const m = applyUpdates(
      undefined,
      [
        { action: 'assign-uuid', uuid: '11111111-2222-4333-8444-555555555555' },
        { action: 'upgrade-format-version', formatVersion: 2 },
        { action: 'add-schema', schema: newSchema([requiredField(1, 'id', Types.long)]) },
        { action: 'set-current-schema', schemaId: -1 },
        { action: 'add-spec', spec: UNPARTITIONED_SPEC },
        { action: 'set-default-spec', specId: -1 },
        { action: 'add-sort-order', sortOrder: UNSORTED_ORDER },
        { action: 'set-default-sort-order', sortOrderId: -1 },
        { action: 'set-location', location: 's3://lake/new' },
      ],
      { nowMs: 5 },
    );
    expect(m).toMatchObject({ formatVersion: 2, currentSchemaId: 0, defaultSpecId: 0, defaultSortOrderId: 0, lastColumnId: 1, lastPartitionId: 999 });
    expect(() => applyUpdates(undefined, [{ action: 'set-properties', updates: {} }])).toThrow(ValidationError);
  });
});

describe('requirements', () => {
  const m = parseTableMetadata(V2_METADATA);
  const pass: TableRequirement[] = [
    { type: 'assert-table-uuid', uuid: '9C12D441-03FE-4693-9A96-A0705DDF69C1' },
    { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 3055729675574597004n },
    { type: 'assert-ref-snapshot-id', ref: 'nope', snapshotId: null },
    { type: 'assert-last-assigned-field-id', lastAssignedFieldId: 3 },
    { type: 'assert-current-schema-id', currentSchemaId: 1 },
    { type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: 1000 },
    { type: 'assert-default-spec-id', defaultSpecId: 0 },
    { type: 'assert-default-sort-order-id', defaultSortOrderId: 3 },
  ];
  const fail: TableRequirement[] = [
    { type: 'assert-create' },
    { type: 'assert-table-uuid', uuid: '00000000-0000-4000-8000-000000000000' },
    { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 1n },
    { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: null },
    { type: 'assert-ref-snapshot-id', ref: 'nope', snapshotId: 1n },
    { type: 'assert-last-assigned-field-id', lastAssignedFieldId: 4 },
    { type: 'assert-current-schema-id', currentSchemaId: 0 },
    { type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: 999 },
    { type: 'assert-default-spec-id', defaultSpecId: 1 },
    { type: 'assert-default-sort-order-id', defaultSortOrderId: 0 },
  ];

  it('pass when the table is as expected', () => {
    expect(() => checkRequirements(m, pass)).not.toThrow();
    expect(() => checkRequirements(undefined, [{ type: 'assert-create' }])).not.toThrow();
  });

  it.each(fail.map((r) => [r.type, r] as const))('%s fails with a retryable CommitConflictError', (_type, r) => {
    let error: unknown;
    try {
      checkRequirements(m, [r]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CommitConflictError);
    expect((error as CommitConflictError).retryable).toBe(true);
  });

  it('fail against a missing table', () => {
    expect(() => checkRequirements(undefined, [pass[0]!])).toThrow(CommitConflictError);
  });

  it('requirementsFor derives the guards of a commit', () => {
    const updates: TableUpdate[] = [
      { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: 1n, type: 'branch' } },
      { action: 'add-schema', schema: currentSchema(m) },
      { action: 'set-default-spec', specId: 0 },
    ];
    expect(requirementsFor(m, updates)).toEqual([
      { type: 'assert-table-uuid', uuid: m.tableUuid },
      { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 3055729675574597004n },
      { type: 'assert-last-assigned-field-id', lastAssignedFieldId: 3 },
      { type: 'assert-default-spec-id', defaultSpecId: 0 },
    ]);
    expect(requirementsFor(undefined, updates)).toEqual([{ type: 'assert-create' }]);
    expect(() => checkRequirements(m, requirementsFor(m, updates))).not.toThrow();
  });

  it('round-trip through REST JSON', () => {
    for (const r of [...pass, ...fail]) expect(tableRequirementFromJson(parseJson(stringifyJson(tableRequirementToJson(r))))).toEqual(r);
    expect(() => tableRequirementFromJson({ type: 'assert-nothing' })).toThrow(ValidationError);
  });
});

describe('update JSON', () => {
  const m = parseTableMetadata(V2_METADATA);
  const updates: TableUpdate[] = [
    { action: 'assign-uuid', uuid: 'u' },
    { action: 'upgrade-format-version', formatVersion: 3 },
    { action: 'add-schema', schema: currentSchema(m), lastColumnId: 3 },
    { action: 'set-current-schema', schemaId: -1 },
    { action: 'add-spec', spec: m.partitionSpecs[0]! },
    { action: 'set-default-spec', specId: -1 },
    { action: 'add-sort-order', sortOrder: m.sortOrders[0]! },
    { action: 'set-default-sort-order', sortOrderId: -1 },
    { action: 'add-snapshot', snapshot: m.snapshots[1]! },
    { action: 'set-snapshot-ref', refName: 'dev', ref: m.refs.dev! },
    { action: 'remove-snapshots', snapshotIds: [3051729675574597004n] },
    { action: 'remove-snapshot-ref', refName: 'dev' },
    { action: 'set-location', location: 's3://x' },
    { action: 'set-properties', updates: { a: 'b' } },
    { action: 'remove-properties', removals: ['a'] },
    { action: 'set-statistics', statistics: m.statistics[0]! },
    { action: 'remove-statistics', snapshotId: 1n },
    { action: 'set-partition-statistics', partitionStatistics: m.partitionStatistics[0]! },
    { action: 'remove-partition-statistics', snapshotId: 1n },
    { action: 'remove-partition-specs', specIds: [1, 2] },
    { action: 'remove-schemas', schemaIds: [0] },
    { action: 'add-encryption-key', encryptionKey: { keyId: 'k', encryptedKeyMetadata: 'AA==' } },
    { action: 'remove-encryption-key', keyId: 'k' },
  ];

  it.each(updates.map((u) => [u.action, u] as const))('%s round-trips', (_action, u) => {
    expect(tableUpdateFromJson(parseJson(stringifyJson(tableUpdateToJson(u))))).toEqual(u);
  });

  it('reads the flattened REST form of set-snapshot-ref', () => {
    expect(tableUpdateFromJson({ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 5 })).toEqual({
      action: 'set-snapshot-ref',
      refName: 'main',
      ref: { snapshotId: 5n, type: 'branch' },
    });
    expect(() => tableUpdateFromJson({ action: 'drop-everything' })).toThrow(ValidationError);
    expect(() => tableUpdateFromJson({ action: 'set-properties' })).toThrow(ValidationError);
  });
});
