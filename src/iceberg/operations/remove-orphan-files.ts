/**
 * Removing orphan files (Java's `DeleteOrphanFiles`): files under the
 * table's location that no metadata reaches — left by failed writes,
 * crashed jobs or interrupted cleanups. Reachable are the current metadata
 * file, the metadata log, the version hint, statistics files, and every
 * manifest list, manifest, data and delete file of every snapshot (DELETED
 * manifest entries included, to be conservative). Only files older than a
 * cut-off are deleted, because a write still in flight has files no
 * metadata names yet.
 */
import { ValidationError } from '../../errors.js';
import type { FileIO } from '../../io/file-io.js';
import type { Table } from '../table/table.js';
import { checkGcEnabled } from './expire-snapshots.js';
import { manifestContentFiles, snapshotManifests, specsOf } from './reachable.js';

/** Default minimum age of a file before it may be removed as an orphan: 3 days, as Java. */
export const DEFAULT_ORPHAN_MIN_AGE_MS = 3 * 24 * 60 * 60 * 1000;

/** Options for {@link removeOrphanFiles}. */
export interface RemoveOrphanFilesOptions {
  /**
   * Only files last modified before this time (ms since the epoch) are
   * orphans; files with no modification time are kept.
   * @default now − DEFAULT_ORPHAN_MIN_AGE_MS
   */
  olderThan?: number;
  /** The clock. @default Date.now() */
  now?: number;
  /** List the orphans without deleting them. @default false */
  dryRun?: boolean;
  /** Where to look. @default the table location */
  location?: string;
}

/** What {@link removeOrphanFiles} found. */
export interface RemoveOrphanFilesResult {
  /** The orphan files (deleted unless `dryRun`). */
  orphanFiles: string[];
  deleted: boolean;
}

const SCHEME_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i;

function canonical(io: FileIO, location: string): string {
  try {
    return io.resolve(location);
  } catch {
    return location; // outside this FileIO: it cannot match a listed file anyway
  }
}

/** Every file the table's metadata reaches, as canonical locations. */
export async function reachableFiles(table: Table): Promise<Set<string>> {
  const io = table.io;
  const m = table.metadata;
  const metadataDir = (m.properties['write.metadata.path'] ?? `${table.location}/metadata`).replace(/\/+$/, '');
  const out = new Set<string>();
  const add = (p: string) => out.add(canonical(io, p));
  if (table.metadataLocation !== undefined) add(table.metadataLocation);
  add(`${metadataDir}/version-hint.text`);
  for (const e of m.metadataLog) add(e.metadataFile);
  for (const s of [...m.statistics, ...m.partitionStatistics]) add(s.statisticsPath);
  const specs = specsOf(m);
  const seenManifests = new Set<string>();
  for (const snapshot of m.snapshots) {
    if (snapshot.manifestList !== undefined) add(snapshot.manifestList);
    for (const manifest of await snapshotManifests(io, snapshot)) {
      add(manifest.manifestPath);
      if (seenManifests.has(manifest.manifestPath)) continue;
      seenManifests.add(manifest.manifestPath);
      for (const path of (await manifestContentFiles(io, manifest, specs, false)).keys()) add(path);
    }
  }
  return out;
}

/**
 * Find (and unless `dryRun`, delete) files under the table location that no
 * metadata reaches and that are older than `olderThan`. The table is
 * refreshed first. Refuses when a listed file and a reachable file have the
 * same path under different schemes or authorities (e.g. `s3a://` vs
 * `s3://`), since one of them may name the other.
 *
 * @example
 * ```ts
 * const { orphanFiles } = await removeOrphanFiles(table, { dryRun: true });
 * ```
 */
export async function removeOrphanFiles(table: Table, options: RemoveOrphanFilesOptions = {}): Promise<RemoveOrphanFilesResult> {
  await table.refresh();
  const dryRun = options.dryRun ?? false;
  if (!dryRun) checkGcEnabled(table.metadata, 'remove orphan files');
  const olderThan = options.olderThan ?? (options.now ?? Date.now()) - DEFAULT_ORPHAN_MIN_AGE_MS;
  const io = table.io;
  const reachable = await reachableFiles(table);
  const reachableByPath = new Map<string, string>();
  for (const r of reachable) reachableByPath.set(r.replace(SCHEME_AUTHORITY, ''), r);
  const root = `${canonical(io, options.location ?? table.location).replace(/\/+$/, '')}/`;
  const orphans: string[] = [];
  for await (const f of io.list(root, { includeTemporary: true })) {
    if (reachable.has(f.location)) continue;
    const same = reachableByPath.get(f.location.replace(SCHEME_AUTHORITY, ''));
    if (same !== undefined) {
      throw new ValidationError(`${f.location} and the reachable ${same} differ only in scheme or authority; refusing to decide whether it is an orphan. Make the table's locations use one scheme`);
    }
    const modified = f.lastModified?.getTime();
    if (modified !== undefined && modified < olderThan) orphans.push(f.location);
  }
  if (!dryRun) for (let i = 0; i < orphans.length; i += 1000) await io.deleteMany(orphans.slice(i, i + 1000));
  return { orphanFiles: orphans, deleted: !dryRun };
}
