/**
 * Partition spec evolution (spec "Partition Evolution"): add, remove and
 * rename partition fields of the table's default spec, with the semantics of
 * Java's `BaseUpdatePartitionSpec`. In v2+ a removed field leaves the new
 * spec, and re-adding a field that an older spec had reuses its field id; in
 * v1 a removed field stays with a `void` transform, because v1 field ids are
 * positional.
 */
import { ValidationError } from '../../errors.js';
import type { TableMetadata } from '../spec/metadata.js';
import { currentSchema, defaultSpec } from '../spec/metadata.js';
import type { PartitionField, PartitionSpec } from '../spec/partition.js';
import { specCompatible, validatePartitionSpec } from '../spec/partition.js';
import type { Transform } from '../spec/transforms.js';
import { formatTransform, transformEquals, Transforms } from '../spec/transforms.js';
import type { TableUpdate } from '../spec/table-update.js';
import { findColumnName, findFieldByName } from '../spec/type-index.js';
import { transformArgument } from './arguments.js';
import type { MetadataChanges, PendingUpdate } from './pending-update.js';
import { tableUuidRequirement } from './pending-update.js';

/** One recorded partition spec change. */
export type PartitionSpecChange =
  | { readonly op: 'add-field'; readonly source: string; readonly transform: Transform; readonly name: string | undefined }
  | { readonly op: 'remove-field'; readonly name: string }
  | { readonly op: 'rename-field'; readonly name: string; readonly newName: string };

/**
 * The default name Java gives a partition field: the source column's name
 * for identity, else `<column>_bucket_<N>`, `<column>_trunc_<W>`,
 * `<column>_year|_month|_day|_hour`, `<column>_null` for void.
 */
export function defaultPartitionFieldName(sourceName: string, transform: Transform): string {
  switch (transform.type) {
    case 'identity':
      return sourceName;
    case 'bucket':
      return `${sourceName}_bucket_${transform.numBuckets}`;
    case 'truncate':
      return `${sourceName}_trunc_${transform.width}`;
    case 'void':
      return `${sourceName}_null`;
    case 'unknown':
      return `${sourceName}_${transform.name}`;
    default:
      return `${sourceName}_${transform.type}`;
  }
}

const TIME_TRANSFORMS = new Set(['year', 'month', 'day', 'hour']);

function fail(message: string): never {
  throw new ValidationError(message);
}

/**
 * Records partition field changes; `build(metadata)` returns `add-spec` +
 * `set-default-spec` (or only `set-default-spec` when an equivalent spec
 * exists), guarded by `assert-default-spec-id` and
 * `assert-last-assigned-partition-id`.
 *
 * @example
 * ```ts
 * const change = new UpdatePartitionSpec()
 *   .addField('ts', Transforms.day)            // ts_day
 *   .addField('id', 'bucket[16]')              // id_bucket_16
 *   .removeField('region');
 * const { requirements, updates } = change.build(metadata);
 * ```
 */
export class UpdatePartitionSpec implements PendingUpdate {
  private readonly recorded: PartitionSpecChange[] = [];
  private caseSensitivity: boolean;

  constructor(opts: { caseSensitive?: boolean } = {}) {
    this.caseSensitivity = opts.caseSensitive ?? true;
  }

  /** The recorded changes, in call order. */
  get changes(): readonly PartitionSpecChange[] {
    return this.recorded;
  }

  /** Match source column names exactly (`true`, the default) or ignoring case. */
  caseSensitive(value: boolean): this {
    this.caseSensitivity = value;
    return this;
  }

  /** Partition by `transform` of column `source` (dotted name); `name` defaults to {@link defaultPartitionFieldName}. */
  addField(source: string, transform: Transform | string = Transforms.identity, name?: string): this {
    if (typeof source !== 'string' || source === '') fail('addField needs the name of a source column');
    const t = transformArgument(transform, `partition field on ${JSON.stringify(source)}`);
    if (name !== undefined && (typeof name !== 'string' || name === '')) fail('a partition field name must be a non-empty string');
    this.recorded.push(Object.freeze({ op: 'add-field', source, transform: t, name }));
    return this;
  }

  /** Stop partitioning by the field named `name`. */
  removeField(name: string): this {
    if (typeof name !== 'string') fail('removeField needs the name of a partition field');
    this.recorded.push(Object.freeze({ op: 'remove-field', name }));
    return this;
  }

  /** Rename the partition field `name`. */
  renameField(name: string, newName: string): this {
    if (typeof name !== 'string') fail('renameField needs the name of a partition field');
    if (typeof newName !== 'string' || newName === '') fail(`cannot rename partition field ${JSON.stringify(name)} to an empty name`);
    this.recorded.push(Object.freeze({ op: 'rename-field', name, newName }));
    return this;
  }

  /** The spec the changes produce on `base` (its id is the next free spec id). Throws ValidationError. */
  apply(base: TableMetadata): PartitionSpec {
    return new SpecEvolution(base, this.caseSensitivity, this.recorded).result();
  }

  /** The commit that applies the recorded changes to `base`. Throws ValidationError when they cannot apply. */
  build(base: TableMetadata): MetadataChanges {
    const spec = this.apply(base);
    const requirements = [
      ...tableUuidRequirement(base),
      { type: 'assert-default-spec-id', defaultSpecId: base.defaultSpecId } as const,
      { type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: base.lastPartitionId } as const,
    ];
    const current = defaultSpec(base);
    if (specCompatible(current, spec) && current.fields.every((f, i) => f.fieldId === spec.fields[i]!.fieldId)) return { requirements, updates: [] };
    const existing = base.partitionSpecs.find((s) => specCompatible(s, spec));
    const updates: TableUpdate[] =
      existing !== undefined
        ? [{ action: 'set-default-spec', specId: existing.specId }]
        : [
            { action: 'add-spec', spec },
            { action: 'set-default-spec', specId: -1 },
          ];
    return { requirements, updates };
  }
}

const key = (sourceId: number, t: Transform) => `${sourceId}|${formatTransform(t)}`;

/** Replays recorded changes against the default spec of one metadata version. */
class SpecEvolution {
  private readonly spec: PartitionSpec;
  private readonly nameToField = new Map<string, PartitionField>();
  private readonly transformToField = new Map<string, PartitionField>();
  private readonly adds: PartitionField[] = [];
  private readonly addedTimeFields = new Map<number, PartitionField>();
  private readonly transformToAdded = new Map<string, PartitionField>();
  private readonly nameToAdded = new Map<string, PartitionField>();
  private readonly deletes = new Set<number>();
  private readonly renames = new Map<string, string>();
  private lastAssigned: number;

  constructor(
    private readonly base: TableMetadata,
    private readonly caseSensitive: boolean,
    changes: readonly PartitionSpecChange[],
  ) {
    this.spec = defaultSpec(base);
    this.lastAssigned = base.lastPartitionId;
    for (const f of this.spec.fields) {
      if (f.transform.type === 'unknown') fail(`cannot evolve partition spec ${this.spec.specId}: field ${JSON.stringify(f.name)} uses transform ${formatTransform(f.transform)}, which lakekit does not know`);
      this.nameToField.set(f.name, f);
      this.transformToField.set(key(f.sourceId, f.transform), f);
    }
    for (const c of changes) {
      if (c.op === 'add-field') this.addField(c.source, c.transform, c.name);
      else if (c.op === 'remove-field') this.removeField(c.name);
      else this.renameField(c.name, c.newName);
    }
  }

  private addField(source: string, transform: Transform, name: string | undefined): void {
    if (name !== undefined && this.nameToAdded.has(name)) fail(`cannot add partition field ${JSON.stringify(name)} twice`);
    const schema = currentSchema(this.base);
    const column = findFieldByName(schema, source, { caseSensitive: this.caseSensitive });
    if (column === undefined) fail(`cannot partition by ${JSON.stringify(source)}: no such column in the current schema ${schema.schemaId}`);
    const k = key(column.id, transform);
    const existing = this.transformToField.get(k);
    if (existing !== undefined) {
      if (!this.deletes.has(existing.fieldId)) fail(`cannot add partition field ${formatTransform(transform)}(${source}): field ${JSON.stringify(existing.name)} already partitions by it`);
      // removed and re-added in one update: keep the field
      this.deletes.delete(existing.fieldId);
      if (name !== undefined && name !== existing.name) this.renameField(existing.name, name);
      return;
    }
    const added = this.transformToAdded.get(k);
    if (added !== undefined) fail(`cannot add partition field ${formatTransform(transform)}(${source}) twice; it is already added as ${JSON.stringify(added.name)}`);

    const recycled = this.recycle(column.id, transform, name);
    const field: PartitionField = Object.freeze({
      sourceId: column.id,
      fieldId: recycled?.fieldId ?? ++this.lastAssigned,
      name: name ?? recycled?.name ?? defaultPartitionFieldName(findColumnName(schema, column.id) ?? source, transform),
      transform,
    });
    if (TIME_TRANSFORMS.has(transform.type)) {
      const other = this.addedTimeFields.get(column.id);
      if (other !== undefined) fail(`cannot add redundant partition field ${JSON.stringify(field.name)}: it conflicts with ${JSON.stringify(other.name)}, another time transform of the same column`);
      this.addedTimeFields.set(column.id, field);
    }
    this.transformToAdded.set(k, field);
    const sameName = this.nameToField.get(field.name);
    if (sameName !== undefined && !this.deletes.has(sameName.fieldId)) {
      // a voided v1 field gives way to the new one
      if (sameName.transform.type === 'void') this.renameField(sameName.name, `${sameName.name}_${sameName.fieldId}`);
      else fail(`cannot add partition field ${JSON.stringify(field.name)}: the spec already has a field with that name; pass another name`);
    } else if (sameName !== undefined) {
      this.renames.set(sameName.name, `${sameName.name}_${sameName.fieldId}`);
    }
    this.nameToAdded.set(field.name, field);
    this.adds.push(field);
  }

  /** In v2+, a field an older spec had with the same source and transform (and name, if given) keeps its id. */
  private recycle(sourceId: number, transform: Transform, name: string | undefined): PartitionField | undefined {
    if (this.base.formatVersion < 2) return undefined;
    for (const s of this.base.partitionSpecs) {
      for (const f of s.fields) {
        if (f.sourceId === sourceId && transformEquals(f.transform, transform) && (name === undefined || f.name === name)) return f;
      }
    }
    return undefined;
  }

  private removeField(name: string): void {
    if (this.nameToAdded.has(name)) fail(`cannot remove partition field ${JSON.stringify(name)}: it is added in the same update`);
    if (this.renames.has(name)) fail(`cannot rename and remove partition field ${JSON.stringify(name)} in one update`);
    const field = this.nameToField.get(name) ?? fail(`cannot remove partition field ${JSON.stringify(name)}: the current spec ${this.spec.specId} has no such field (it has ${this.names()})`);
    this.deletes.add(field.fieldId);
  }

  private renameField(name: string, newName: string): void {
    const taken = this.nameToField.get(newName);
    if (taken !== undefined && taken.transform.type === 'void') this.renameField(taken.name, `${taken.name}_${taken.fieldId}`);
    if (this.nameToAdded.has(name)) fail(`cannot rename partition field ${JSON.stringify(name)}: it is added in the same update; add it with the name you want`);
    const field = this.nameToField.get(name) ?? fail(`cannot rename partition field ${JSON.stringify(name)}: the current spec ${this.spec.specId} has no such field (it has ${this.names()})`);
    if (this.deletes.has(field.fieldId)) fail(`cannot rename partition field ${JSON.stringify(name)}: it is removed in the same update`);
    this.renames.set(name, newName);
  }

  private names(): string {
    return this.spec.fields.length === 0 ? 'no fields' : this.spec.fields.map((f) => JSON.stringify(f.name)).join(', ');
  }

  result(): PartitionSpec {
    const fields: PartitionField[] = [];
    for (const f of this.spec.fields) {
      const name = this.renames.get(f.name) ?? f.name;
      if (!this.deletes.has(f.fieldId)) fields.push(name === f.name ? f : Object.freeze({ ...f, name }));
      // v1 field ids are positional, so a removed field stays as void
      else if (this.base.formatVersion < 2) fields.push(Object.freeze({ ...f, name, transform: Transforms.void }));
    }
    fields.push(...this.adds);
    const specId = Math.max(...this.base.partitionSpecs.map((s) => s.specId)) + 1;
    const spec: PartitionSpec = Object.freeze({ specId, fields: Object.freeze(fields) });
    validatePartitionSpec(spec, currentSchema(this.base));
    return spec;
  }
}
