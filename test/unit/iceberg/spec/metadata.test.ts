import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyUpdates,
  currentSchema,
  currentSnapshot,
  defaultSortOrder,
  defaultSpec,
  minFormatVersion,
  newTableMetadata,
  parseTableMetadata,
  snapshotByRef,
  Transforms,
  UNPARTITIONED_SPEC,
  UNSORTED_ORDER,
  writeTableMetadata,
} from '../../../../src/iceberg/spec/index.js';
import type { TableMetadata, TableUpdate } from '../../../../src/iceberg/spec/index.js';
import { UnsupportedError, ValidationError } from '../../../../src/errors.js';
import { parseJson, stringifyJson } from '../../../../src/internal/json.js';
import { schema as schemaArb } from './arbitraries.js';
import { V1_METADATA, V1_METADATA_WITH_SNAPSHOTS, V2_METADATA, V3_METADATA } from './fixtures.js';

const roundTrip = (m: TableMetadata) => parseTableMetadata(writeTableMetadata(m));

describe('reading v1 metadata', () => {
  it('upgrades schema, partition-spec, sort orders and -1 in memory', () => {
    const m = parseTableMetadata(V1_METADATA);
    expect(m.formatVersion).toBe(1);
    expect(m.schemas).toHaveLength(1);
    expect(m.currentSchemaId).toBe(0);
    expect(currentSchema(m).fields.map((f) => f.name)).toEqual(['x', 'y', 'z']);
    expect(defaultSpec(m)).toEqual({ specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'x', transform: Transforms.identity }] });
    expect(m.lastPartitionId).toBe(1000);
    expect(defaultSortOrder(m)).toEqual(UNSORTED_ORDER);
    expect(m.currentSnapshotId).toBeUndefined();
    expect(m.lastSequenceNumber).toBe(0n);
    expect(m.refs).toEqual({});
    expect(m.properties).toEqual({ 'commit.retry.num-retries': '4' });
  });

  it('creates the main branch for the current snapshot and keeps embedded manifests', () => {
    const m = parseTableMetadata(V1_METADATA_WITH_SNAPSHOTS);
    expect(m.tableUuid).toBeUndefined();
    expect(m.refs).toEqual({ main: { snapshotId: 3051729675574597004n, type: 'branch' } });
    expect(currentSnapshot(m)).toMatchObject({ manifests: ['file:///tmp/t/metadata/m1.avro'], sequenceNumber: 0n });
    expect(defaultSpec(m).fields[0]).toMatchObject({ fieldId: 1000, transform: Transforms.bucket(4) });
  });

  it('writes v1 with the deprecated schema and partition-spec fields, and reads it back equal', () => {
    const m = parseTableMetadata(V1_METADATA);
    const json = parseJson(writeTableMetadata(m)) as Record<string, unknown>;
    expect(json.schema).toMatchObject({ type: 'struct', 'schema-id': 0 });
    expect(json['partition-spec']).toEqual([{ 'source-id': 1, 'field-id': 1000, name: 'x', transform: 'identity' }]);
    expect(json['current-snapshot-id']).toBe(-1);
    expect(json).not.toHaveProperty('last-sequence-number');
    expect(roundTrip(m)).toEqual(m);
    expect(roundTrip(parseTableMetadata(V1_METADATA_WITH_SNAPSHOTS))).toEqual(parseTableMetadata(V1_METADATA_WITH_SNAPSHOTS));
  });
});

describe('reading v2 and v3 metadata', () => {
  it('reads every field of the v2 example with exact long ids', () => {
    const m = parseTableMetadata(V2_METADATA);
    expect(m.currentSnapshotId).toBe(3055729675574597004n);
    expect(m.lastSequenceNumber).toBe(34n);
    expect(currentSchema(m).identifierFieldIds).toEqual([1, 2]);
    expect(defaultSortOrder(m).orderId).toBe(3);
    expect(snapshotByRef(m, 'audit')?.snapshotId).toBe(3051729675574597004n);
    expect(m.refs.dev).toEqual({ snapshotId: 3051729675574597004n, type: 'branch', minSnapshotsToKeep: 2, maxSnapshotAgeMs: 86400000n });
    expect(m.statistics[0]?.blobMetadata[0]?.fields).toEqual([1]);
    expect(m.metadataLog).toEqual([{ metadataFile: 's3://bucket/test/location/metadata/v1.metadata.json', timestampMs: 1515100955000 }]);
    const text = writeTableMetadata(m);
    expect(text).toContain('"current-snapshot-id":3055729675574597004');
    expect(roundTrip(m)).toEqual(m);
  });

  it('reads v3 row lineage, nanosecond types, defaults and encryption keys', () => {
    const m = parseTableMetadata(V3_METADATA);
    expect(m.nextRowId).toBe(100n);
    expect(currentSnapshot(m)).toMatchObject({ firstRowId: 0n, addedRows: 100n });
    expect(currentSchema(m).fields[2]).toMatchObject({ initialDefault: 1, writeDefault: 0.5 });
    expect(m.encryptionKeys).toEqual([{ keyId: '5f819b', encryptedKeyMetadata: 'aWNlYmVyZwo=' }]);
    const text = writeTableMetadata(m);
    expect(text).toContain('"initial-default":1.0');
    expect(roundTrip(m)).toEqual(m);
  });

  it('keeps unknown top-level fields and writes them back', () => {
    const doc = parseJson(V2_METADATA) as Record<string, unknown>;
    doc['x-vendor'] = { nested: [1, 'two', { big: 9007199254740993n }] };
    doc['future-field'] = 12;
    const m = parseTableMetadata(stringifyJson(doc));
    expect(m.extra).toEqual({ 'x-vendor': { nested: [1, 'two', { big: 9007199254740993n }] }, 'future-field': 12 });
    const again = parseJson(writeTableMetadata(m)) as Record<string, unknown>;
    expect(again['x-vendor']).toEqual(doc['x-vendor']);
    expect(again['future-field']).toBe(12);
    // and they survive a commit too
    const next = applyUpdates(m, [{ action: 'set-properties', updates: { a: 'b' } }]);
    expect(next.extra).toEqual(m.extra);
  });
});

describe('metadata validation', () => {
  const edit = (text: string, f: (o: Record<string, unknown>) => void) => {
    const o = parseJson(text) as Record<string, unknown>;
    f(o);
    return stringifyJson(o);
  };

  it('throws UnsupportedError for format versions newer than 3', () => {
    expect(() => parseTableMetadata(edit(V2_METADATA, (o) => (o['format-version'] = 4)))).toThrow(UnsupportedError);
  });

  it.each<[string, (o: Record<string, unknown>) => void, RegExp]>([
    ['v2 without a table uuid', (o) => delete o['table-uuid'], /table-uuid/],
    ['v2 without schemas', (o) => delete o.schemas, /schemas/],
    ['v2 without sort orders', (o) => delete o['sort-orders'], /sort-orders/],
    ['v2 without last-sequence-number', (o) => delete o['last-sequence-number'], /last-sequence-number/],
    ['an unknown current schema', (o) => (o['current-schema-id'] = 7), /current-schema-id 7/],
    ['an unknown default spec', (o) => (o['default-spec-id'] = 7), /default-spec-id 7/],
    ['an unknown current snapshot', (o) => (o['current-snapshot-id'] = 5), /current snapshot 5/],
    ['a ref to a missing snapshot', (o) => ((o.refs as Record<string, unknown>).x = { 'snapshot-id': 5, type: 'tag' }), /ref "x"/],
    ['main disagreeing with current-snapshot-id', (o) => (o['current-snapshot-id'] = 3051729675574597004n), /does not match branch main/],
    ['duplicate schema ids', (o) => (o.schemas as unknown[]).push((o.schemas as unknown[])[0]), /schema id 0 twice/],
    ['a string where a number belongs', (o) => (o['last-column-id'] = '3'), /last-column-id/],
    ['a non-string property value', (o) => (o.properties = { a: 1 }), /properties/],
  ])('rejects %s with ValidationError', (_label, mutate, message) => {
    const text = edit(V2_METADATA, mutate);
    expect(() => parseTableMetadata(text)).toThrow(ValidationError);
    expect(() => parseTableMetadata(text)).toThrow(message);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseTableMetadata('{"format-version": 2,')).toThrow(ValidationError);
    expect(() => parseTableMetadata('')).toThrow(ValidationError);
  });
});

describe('metadata round trip (property)', () => {
  const metadataArb = fc
    .record({
      schema: schemaArb,
      version: fc.constantFrom('1', '2', '3'),
      props: fc.dictionary(fc.string(), fc.string(), { maxKeys: 4 }),
      snapshots: fc.array(fc.record({ id: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), ts: fc.integer({ min: 0, max: 2 ** 42 }), op: fc.constantFrom('append', 'overwrite', 'delete') }), { maxLength: 4 }),
      tag: fc.boolean(),
    })
    .map(({ schema, version, props, snapshots, tag }) => {
      const formatVersion = String(Math.max(Number(version), minFormatVersion(schema)));
      let m = newTableMetadata(schema, UNPARTITIONED_SPEC, UNSORTED_ORDER, 's3://b/t', { ...props, 'format-version': formatVersion }, { nowMs: 1 });
      const unique = [...new Map(snapshots.map((s) => [s.id, s])).values()];
      let parent: bigint | undefined;
      let rowId = 0n;
      for (const s of unique) {
        const seq = m.formatVersion > 1 ? m.lastSequenceNumber + 1n : 0n;
        const snapshot = {
          snapshotId: s.id,
          ...(parent !== undefined ? { parentSnapshotId: parent } : {}),
          sequenceNumber: seq,
          timestampMs: s.ts,
          manifestList: `s3://b/t/metadata/snap-${s.id}.avro`,
          summary: { operation: s.op },
          schemaId: m.currentSchemaId,
          ...(m.formatVersion >= 3 ? { firstRowId: rowId, addedRows: 10n } : {}),
        };
        rowId += 10n;
        const updates: TableUpdate[] = [
          { action: 'add-snapshot', snapshot },
          { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: s.id, type: 'branch' } },
        ];
        if (tag) updates.push({ action: 'set-snapshot-ref', refName: `tag-${s.id}`, ref: { snapshotId: s.id, type: 'tag', maxRefAgeMs: 1000n } });
        m = applyUpdates(m, updates, { nowMs: s.ts, previousMetadataLocation: `s3://b/t/metadata/v${s.id}.metadata.json` });
        parent = s.id;
      }
      return m;
    });

  it('serialize → parse gives equal metadata', () => {
    fc.assert(
      fc.property(metadataArb, (m) => {
        expect(roundTrip(m)).toEqual(m);
      }),
      { numRuns: 100 },
    );
  });
});

describe('parser robustness (fuzz)', () => {
  const allowed = (e: unknown) => e instanceof ValidationError || (e instanceof UnsupportedError && /format version/.test(e.message));

  function expectOnlyLakeErrors(text: string): void {
    try {
      parseTableMetadata(text);
    } catch (e) {
      if (!allowed(e)) throw new Error(`unexpected ${(e as Error)?.name}: ${(e as Error)?.message}\ninput: ${text.slice(0, 500)}`);
    }
  }

  it('random JSON values give ValidationError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(() => parseTableMetadata(JSON.stringify(v) ?? 'null')).toThrow(ValidationError);
      }),
      { numRuns: 500 },
    );
  });

  it('random text gives ValidationError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => expectOnlyLakeErrors(s)), { numRuns: 300 });
  });

  type Json = unknown;
  const paths = (v: Json, prefix: (string | number)[] = []): (string | number)[][] => {
    const out: (string | number)[][] = [prefix];
    if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
    return out;
  };
  const replacement: fc.Arbitrary<Json> = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(null, -1, 0, 2 ** 31, -(2 ** 31) - 1, 1.5, '', 'bucket[0]', 'decimal(40,1)', 'struct', 2n ** 63n, 2n ** 70n, [], {}, 'list', 'map'),
  );

  for (const [name, fixture] of [['v1', V1_METADATA], ['v1 with snapshots', V1_METADATA_WITH_SNAPSHOTS], ['v2', V2_METADATA], ['v3', V3_METADATA]] as const) {
    it(`mutations of the ${name} example give a result or ValidationError, never another error`, () => {
      const base = parseJson(fixture);
      const all = paths(base);
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(all.length - 1), fc.boolean(), replacement), { minLength: 1, maxLength: 3 }), (edits) => {
          const doc = structuredClone(base) as Record<string, unknown>;
          for (const [i, remove, value] of edits) {
            const path = all[i]!;
            if (path.length === 0) continue;
            let parent: unknown = doc;
            for (const key of path.slice(0, -1)) parent = parent === null || typeof parent !== 'object' ? undefined : (parent as Record<string | number, unknown>)[key];
            if (parent === null || typeof parent !== 'object') continue;
            const last = path[path.length - 1]!;
            if (remove) {
              if (Array.isArray(parent)) parent.splice(Number(last), 1);
              else delete (parent as Record<string, unknown>)[last];
            } else {
              (parent as Record<string | number, unknown>)[last] = structuredClone(value); // never share (and so cycle) inserted objects
            }
          }
          expectOnlyLakeErrors(stringifyJson(doc));
        }),
        { numRuns: 400 },
      );
    });
  }
});
