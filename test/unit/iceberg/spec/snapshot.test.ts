import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  newSnapshotId,
  snapshotFromJson,
  snapshotRefFromJson,
  snapshotRefToJson,
  snapshotToJson,
} from '../../../../src/iceberg/spec/index.js';
import type { Snapshot } from '../../../../src/iceberg/spec/index.js';
import { ValidationError } from '../../../../src/errors.js';
import { parseJson, stringifyJson } from '../../../../src/internal/json.js';

describe('snapshots', () => {
  it('keeps 63-bit ids exact through JSON text', () => {
    const text = '{"snapshot-id": 3055729675574597004, "parent-snapshot-id": 3051729675574597004, "timestamp-ms": 1555100955770, "sequence-number": 1, "summary": {"operation": "append", "added-records": "10"}, "manifest-list": "s3://a/b/2.avro", "schema-id": 1}';
    const s = snapshotFromJson(parseJson(text));
    expect(s).toEqual({
      snapshotId: 3055729675574597004n,
      parentSnapshotId: 3051729675574597004n,
      sequenceNumber: 1n,
      timestampMs: 1555100955770,
      summary: { operation: 'append', 'added-records': '10' },
      manifestList: 's3://a/b/2.avro',
      schemaId: 1,
    });
    expect(stringifyJson(snapshotToJson(s))).toContain('"snapshot-id":3055729675574597004');
  });

  it('normalises small ids to bigint', () => {
    expect(snapshotFromJson({ 'snapshot-id': 5, 'timestamp-ms': 1, 'manifest-list': 'x' }).snapshotId).toBe(5n);
  });

  it('reads v1 shapes: embedded manifests, no sequence number, operation defaulting to overwrite', () => {
    const s = snapshotFromJson({ 'snapshot-id': 1, 'timestamp-ms': 2, manifests: ['m1.avro', 'm2.avro'], summary: { 'added-files': '1' } });
    expect(s).toMatchObject({ sequenceNumber: 0n, manifests: ['m1.avro', 'm2.avro'], summary: { operation: 'overwrite', 'added-files': '1' } });
    expect(snapshotToJson(s, 1)).not.toHaveProperty('sequence-number');
    expect(snapshotFromJson({ 'snapshot-id': 1, 'timestamp-ms': 2, 'manifest-list': 'x', summary: {} }).summary).toBeUndefined();
  });

  it('round-trips v3 row-lineage fields', () => {
    const s: Snapshot = { snapshotId: 9n, sequenceNumber: 3n, timestampMs: 7, manifestList: 'l', summary: { operation: 'delete' }, firstRowId: 1000n, addedRows: 375n, keyId: 'k1' };
    expect(snapshotFromJson(parseJson(stringifyJson(snapshotToJson(s, 3))))).toEqual(s);
  });

  it('rejects malformed snapshots with ValidationError', () => {
    for (const bad of [
      {},
      { 'snapshot-id': 'x', 'timestamp-ms': 1, 'manifest-list': 'a' },
      { 'snapshot-id': 1, 'timestamp-ms': 1 },
      { 'snapshot-id': 1, 'timestamp-ms': 1.5, 'manifest-list': 'a' },
      { 'snapshot-id': 1, 'timestamp-ms': 1, 'manifest-list': 'a', summary: { operation: 1 } },
      { 'snapshot-id': 2n ** 64n, 'timestamp-ms': 1, 'manifest-list': 'a' },
    ]) {
      expect(() => snapshotFromJson(bad)).toThrow(ValidationError);
    }
  });

  it('newSnapshotId gives distinct positive 63-bit ids and avoids existing ones', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newSnapshotId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id > 0n && id < 2n ** 63n).toBe(true);
    let calls = 0;
    const id = newSnapshotId(() => ++calls < 3);
    expect(calls).toBe(3);
    expect(id > 0n).toBe(true);
  });
});

describe('snapshot refs', () => {
  it('round-trip branches and tags with retention settings', () => {
    const ref = fc.record(
      {
        snapshotId: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
        type: fc.constantFrom('branch' as const, 'tag' as const),
        minSnapshotsToKeep: fc.nat(),
        maxSnapshotAgeMs: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
        maxRefAgeMs: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
      },
      { requiredKeys: ['snapshotId', 'type'] },
    );
    fc.assert(
      fc.property(ref, (r) => {
        expect(snapshotRefFromJson(parseJson(stringifyJson(snapshotRefToJson(r))))).toEqual(r);
      }),
    );
  });

  it('rejects unknown ref types', () => {
    expect(() => snapshotRefFromJson({ 'snapshot-id': 1, type: 'label' })).toThrow(ValidationError);
  });
});
