/**
 * The files a table's snapshots reach: manifest lists, manifests, and the
 * data and delete files the manifests list. Maintenance deletes files only
 * when they are outside this set, so every read here fails loudly rather
 * than returning a partial answer.
 */
import { NotFoundError, UnsupportedError, isLakeError } from '../../errors.js';
import type { FileIO } from '../../io/file-io.js';
import { readManifest } from '../manifest/manifest-reader.js';
import { readManifestList } from '../manifest/manifest-list.js';
import { ManifestContent, isLiveEntry, type FileContent, type ManifestFile } from '../manifest/types.js';
import type { TableMetadata } from '../spec/metadata.js';
import type { PartitionSpec } from '../spec/partition.js';
import type { Snapshot } from '../spec/snapshot.js';

/** Partition specs by id from several metadata versions (manifests of removed specs still decode). */
export function specsOf(...metadata: readonly TableMetadata[]): Map<number, PartitionSpec> {
  const out = new Map<number, PartitionSpec>();
  for (const m of metadata) for (const s of m.partitionSpecs) out.set(s.specId, s);
  return out;
}

/**
 * The manifests of a snapshot. v1 snapshots that embed manifest paths
 * instead of a list get entries whose spec comes from each manifest's own
 * header. Throws if the list cannot be read.
 */
export async function snapshotManifests(io: FileIO, snapshot: Snapshot): Promise<ManifestFile[]> {
  if (snapshot.manifestList !== undefined) return readManifestList(io, snapshot.manifestList);
  if (snapshot.manifests !== undefined) {
    return snapshot.manifests.map((manifestPath) => ({
      manifestPath,
      manifestLength: -1n,
      partitionSpecId: -1, // not in the table's specs: readManifest uses the manifest's own
      content: ManifestContent.Data,
      sequenceNumber: 0n,
      minSequenceNumber: 0n,
      addedSnapshotId: snapshot.snapshotId,
    }));
  }
  throw new UnsupportedError(`snapshot ${snapshot.snapshotId} has neither a manifest list nor manifests; its files cannot be enumerated, so no file is deleted`);
}

/** Like {@link snapshotManifests}, but undefined when the manifest list is already gone. */
export async function manifestsIfPresent(io: FileIO, snapshot: Snapshot): Promise<ManifestFile[] | undefined> {
  try {
    return await snapshotManifests(io, snapshot);
  } catch (e) {
    if (isLakeError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}

/** Paths of the files a manifest lists, with their content; `liveOnly` skips DELETED entries. */
export async function manifestContentFiles(
  io: FileIO,
  manifest: ManifestFile,
  specsById: ReadonlyMap<number, PartitionSpec>,
  liveOnly: boolean,
  into: Map<string, FileContent> = new Map(),
): Promise<Map<string, FileContent>> {
  for await (const e of readManifest(io, manifest, { specsById })) if (!liveOnly || isLiveEntry(e)) into.set(e.dataFile.filePath, e.dataFile.content);
  return into;
}

/** Whether an error means the file is not there. */
export function isMissing(e: unknown): boolean {
  return e instanceof NotFoundError || isLakeError(e, 'NOT_FOUND');
}
