/**
 * Producing a new snapshot: new manifests for added files, rewritten
 * manifests where files are removed, a manifest list on top of the parent's
 * manifests, the summary, and the updates and requirements for the catalog.
 * Manifests of added files are written once; on a retry only the parts that
 * depend on the parent (carried or rewritten manifests, the list) are redone.
 * Files written for attempts that did not land are deleted at the end.
 */
import { UnsupportedError } from '../../errors.js';
import type { FileIO } from '../../io/file-io.js';
import { ManifestWriter } from '../manifest/manifest-writer.js';
import { readManifest } from '../manifest/manifest-reader.js';
import { readManifestList, writeManifestList } from '../manifest/manifest-list.js';
import { FileContent, ManifestContent, ManifestEntryStatus, isLiveEntry, type DataFile, type ManifestEntry, type ManifestFile } from '../manifest/types.js';
import type { TableMetadata } from '../spec/metadata.js';
import { currentSchema, defaultSpec, nextSequenceNumber, snapshotByRef } from '../spec/metadata.js';
import { MAIN_BRANCH, newSnapshotId, type Snapshot, type SnapshotOperation } from '../spec/snapshot.js';
import type { TableRequirement, TableUpdate } from '../spec/table-update.js';
import { finalConflict, type CommitPlan } from './commit.js';
import type { PartitionSpec } from '../spec/partition.js';
import { summarise } from './summary.js';

/** What a snapshot changes. Callbacks run again on every attempt, against the freshest parent. */
export interface SnapshotChanges {
  operation: SnapshotOperation;
  /** New data files (partitioned by the table's default spec). */
  addedDataFiles?: readonly DataFile[];
  /** New position or equality delete files (default spec). */
  addedDeleteFiles?: readonly DataFile[];
  /** Whether a live file of the parent is removed by this snapshot. */
  removes?: (entry: ManifestEntry, manifest: ManifestFile) => boolean;
  /** Skip reading manifests that cannot hold removed files. @default every manifest is read when `removes` is set */
  mayRemoveFrom?: (manifest: ManifestFile) => boolean;
  /** Check the parent for conflicting changes; throw `finalConflict(...)` to stop retrying. */
  validate?: (parent: Snapshot | undefined, metadata: TableMetadata) => Promise<void> | void;
  /** Branch to commit to. @default 'main' */
  branch?: string;
  /** Extra summary properties. */
  summary?: Readonly<Record<string, string>>;
}

/** Tracks every file one operation writes, so unused ones can be deleted. */
export class SnapshotProducer {
  readonly #io: FileIO;
  readonly #changes: SnapshotChanges;
  readonly #written = new Set<string>();
  readonly #snapshotId = newSnapshotId();
  #attempt = 0;
  #addedManifests: ManifestFile[] | undefined;
  #addedFor: string | undefined;
  /** What the last plan would commit: its manifest list and manifests. */
  #lastPlanFiles = new Set<string>();
  /** The snapshot committed by the last plan. */
  snapshot: Snapshot | undefined;

  constructor(io: FileIO, changes: SnapshotChanges) {
    this.#io = io;
    this.#changes = changes;
  }

  get snapshotId(): bigint {
    return this.#snapshotId;
  }

  #location(metadata: TableMetadata, name: string): string {
    const base = metadata.properties['write.metadata.path'] ?? `${metadata.location.replace(/\/+$/, '')}/metadata`;
    const location = `${base}/${name}`;
    this.#written.add(location);
    return location;
  }

  async #writeManifest(metadata: TableMetadata, spec: PartitionSpec, content: ManifestContent, entries: (w: ManifestWriter) => Promise<void>): Promise<ManifestFile> {
    const w = new ManifestWriter(this.#io, this.#location(metadata, `${crypto.randomUUID()}-m${this.#attempt}.avro`), {
      formatVersion: metadata.formatVersion,
      spec,
      schema: currentSchema(metadata),
      snapshotId: this.#snapshotId,
      content,
    });
    await entries(w);
    return w.close();
  }

  /** Plan one commit attempt against `metadata`. */
  async plan(metadata: TableMetadata): Promise<CommitPlan> {
    if (metadata.formatVersion > 2) {
      throw new UnsupportedError(`writing to format v${metadata.formatVersion} tables is not supported yet (row lineage); lakekit writes v1 and v2 tables`);
    }
    this.#attempt++;
    const branch = this.#changes.branch ?? MAIN_BRANCH;
    const parent = snapshotByRef(metadata, branch);
    await this.#changes.validate?.(parent, metadata);
    const spec = defaultSpec(metadata);

    // Manifests of added files depend only on the files' specs and the schema: write them once.
    // Each file goes to a manifest of the spec it was partitioned by (its specId, else the default).
    const addedKey = String(metadata.currentSchemaId);
    if (this.#addedManifests === undefined || this.#addedFor !== addedKey) {
      const manifests: ManifestFile[] = [];
      const groups: [ManifestContent, readonly DataFile[]][] = [
        [ManifestContent.Data, this.#changes.addedDataFiles ?? []],
        [ManifestContent.Deletes, this.#changes.addedDeleteFiles ?? []],
      ];
      for (const [content, files] of groups) {
        if (files.length === 0) continue;
        if (content === ManifestContent.Deletes && metadata.formatVersion < 2) throw new UnsupportedError('format v1 tables have no delete files; upgrade the table to format v2');
        const bySpec = new Map<number, DataFile[]>();
        for (const f of files) {
          const id = f.specId ?? spec.specId;
          const list = bySpec.get(id);
          if (list === undefined) bySpec.set(id, [f]);
          else list.push(f);
        }
        for (const [specId, list] of bySpec) {
          const fileSpec = metadata.partitionSpecs.find((x) => x.specId === specId);
          if (fileSpec === undefined) throw finalConflict(`added files were partitioned by spec ${specId}, which the table no longer has; write them again`);
          manifests.push(await this.#writeManifest(metadata, fileSpec, content, async (w) => { for (const f of list) await w.add(f); }));
        }
      }
      this.#addedManifests = manifests;
      this.#addedFor = addedKey;
    }

    // Carry the parent's manifests, rewriting those that lose files.
    const carried: ManifestFile[] = [];
    const removed: DataFile[] = [];
    const parentManifests = parent?.manifestList === undefined ? [] : await readManifestList(this.#io, parent.manifestList);
    const specs = new Map(metadata.partitionSpecs.map((s) => [s.specId, s]));
    for (const m of parentManifests) {
      const removes = this.#changes.removes;
      if (removes === undefined || !(this.#changes.mayRemoveFrom?.(m) ?? true)) {
        carried.push(m);
        continue;
      }
      const entries: ManifestEntry[] = [];
      let drops = 0;
      for await (const e of readManifest(this.#io, m, { specsById: specs })) {
        if (!isLiveEntry(e)) continue;
        const drop = removes(e, m);
        if (drop) {
          drops++;
          removed.push(e.dataFile);
        }
        entries.push(drop ? { ...e, status: ManifestEntryStatus.Deleted } : e);
      }
      if (drops === 0) {
        carried.push(m);
        continue;
      }
      const w = new ManifestWriter(this.#io, this.#location(metadata, `${crypto.randomUUID()}-m${this.#attempt}.avro`), {
        formatVersion: metadata.formatVersion,
        spec: specs.get(m.partitionSpecId) ?? spec,
        schema: currentSchema(metadata),
        snapshotId: this.#snapshotId,
        content: m.content,
      });
      for (const e of entries) {
        const seq = e.sequenceNumber ?? 0n;
        const fileSeq = e.fileSequenceNumber ?? seq;
        if (e.status === ManifestEntryStatus.Deleted) await w.delete(e.dataFile, seq, fileSeq);
        else await w.existing(e.dataFile, e.snapshotId ?? this.#snapshotId, seq, fileSeq);
      }
      carried.push(await w.close());
    }

    const sequenceNumber = nextSequenceNumber(metadata);
    const listLocation = this.#location(metadata, `snap-${this.#snapshotId}-${this.#attempt}-${crypto.randomUUID()}.avro`);
    const list = await writeManifestList(
      this.#io,
      listLocation,
      { snapshotId: this.#snapshotId, ...(parent === undefined ? {} : { parentSnapshotId: parent.snapshotId }), sequenceNumber, formatVersion: metadata.formatVersion },
      [...this.#addedManifests, ...carried],
    );
    this.#lastPlanFiles = new Set([listLocation, ...list.manifests.map((m) => m.manifestPath)]);

    const added = [...(this.#changes.addedDataFiles ?? []), ...(this.#changes.addedDeleteFiles ?? [])];
    const snapshot: Snapshot = {
      snapshotId: this.#snapshotId,
      ...(parent === undefined ? {} : { parentSnapshotId: parent.snapshotId }),
      sequenceNumber,
      timestampMs: Date.now(),
      manifestList: listLocation,
      summary: { ...summarise(this.#changes.operation, added, removed, parent?.summary, this.#changes.summary) },
      schemaId: metadata.currentSchemaId,
    };
    this.snapshot = snapshot;
    const requirements: TableRequirement[] = [{ type: 'assert-ref-snapshot-id', ref: branch, snapshotId: parent?.snapshotId ?? null }];
    const updates: TableUpdate[] = [
      { action: 'add-snapshot', snapshot },
      { action: 'set-snapshot-ref', refName: branch, ref: { snapshotId: this.#snapshotId, type: 'branch' } },
    ];
    return { requirements, updates };
  }

  /**
   * Delete the files this operation wrote that the committed snapshot does
   * not use (all of them when `committed` is false). Never call it after a
   * CommitStateUnknownError: the commit may have landed.
   */
  async cleanUp(committed: boolean): Promise<void> {
    const unused = [...this.#written].filter((f) => !committed || !this.#lastPlanFiles.has(f));
    await this.#io.deleteMany(unused).catch(() => undefined);
  }
}

/** Files added by data operations, split by content. */
export function splitByContent(files: readonly DataFile[]): { data: DataFile[]; deletes: DataFile[] } {
  return { data: files.filter((f) => f.content === FileContent.Data), deletes: files.filter((f) => f.content !== FileContent.Data) };
}
