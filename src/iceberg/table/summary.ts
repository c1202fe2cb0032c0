/**
 * Snapshot summaries with the standard counters of the spec's Appendix F:
 * what the snapshot added and removed, and running totals carried from the
 * parent's summary (left out when the parent has none, as Java does).
 */
import { partitionKey } from '../scan/partition-key.js';
import { FileContent, type DataFile } from '../manifest/types.js';
import type { SnapshotOperation, SnapshotSummary } from '../spec/snapshot.js';

interface Tally {
  dataFiles: bigint;
  deleteFiles: bigint;
  posDeleteFiles: bigint;
  eqDeleteFiles: bigint;
  records: bigint;
  size: bigint;
  posDeletes: bigint;
  eqDeletes: bigint;
}

function tally(files: readonly DataFile[]): Tally {
  const t: Tally = { dataFiles: 0n, deleteFiles: 0n, posDeleteFiles: 0n, eqDeleteFiles: 0n, records: 0n, size: 0n, posDeletes: 0n, eqDeletes: 0n };
  for (const f of files) {
    t.size += f.fileSizeInBytes;
    if (f.content === FileContent.Data) {
      t.dataFiles++;
      t.records += f.recordCount;
    } else {
      t.deleteFiles++;
      if (f.content === FileContent.PositionDeletes) {
        t.posDeleteFiles++;
        t.posDeletes += f.recordCount;
      } else {
        t.eqDeleteFiles++;
        t.eqDeletes += f.recordCount;
      }
    }
  }
  return t;
}

/** Build the summary of a snapshot that adds `added` and removes `removed` on top of `parent`. */
export function summarise(
  operation: SnapshotOperation,
  added: readonly DataFile[],
  removed: readonly DataFile[],
  parent: SnapshotSummary | undefined,
  extra: Readonly<Record<string, string>> = {},
): SnapshotSummary {
  const a = tally(added);
  const r = tally(removed);
  const out: Record<string, string> = {};
  const put = (key: string, v: bigint) => {
    if (v !== 0n) out[key] = v.toString();
  };
  put('added-data-files', a.dataFiles);
  put('deleted-data-files', r.dataFiles);
  put('added-delete-files', a.deleteFiles);
  put('added-position-delete-files', a.posDeleteFiles);
  put('added-equality-delete-files', a.eqDeleteFiles);
  put('removed-delete-files', r.deleteFiles);
  put('removed-position-delete-files', r.posDeleteFiles);
  put('removed-equality-delete-files', r.eqDeleteFiles);
  put('added-records', a.records);
  put('deleted-records', r.records);
  put('added-files-size', a.size);
  put('removed-files-size', r.size);
  put('added-position-deletes', a.posDeletes);
  put('removed-position-deletes', r.posDeletes);
  put('added-equality-deletes', a.eqDeletes);
  put('removed-equality-deletes', r.eqDeletes);
  const partitions = new Set([...added, ...removed].map((f) => partitionKey(f.specId ?? -1, f.partition)));
  out['changed-partition-count'] = String(partitions.size);
  const totals: [string, bigint][] = [
    ['total-data-files', a.dataFiles - r.dataFiles],
    ['total-delete-files', a.deleteFiles - r.deleteFiles],
    ['total-records', a.records - r.records],
    ['total-files-size', a.size - r.size],
    ['total-position-deletes', a.posDeletes - r.posDeletes],
    ['total-equality-deletes', a.eqDeletes - r.eqDeletes],
  ];
  for (const [key, delta] of totals) {
    const before = parent === undefined ? '0' : parent[key];
    if (before !== undefined && /^-?\d+$/.test(before)) out[key] = (BigInt(before) + delta).toString();
  }
  return { ...extra, ...out, operation };
}
