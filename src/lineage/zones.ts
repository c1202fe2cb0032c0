/**
 * The adapter between the zone writers' structural lineage hook
 * (`src/zones/hooks.ts`: `start` / `complete` / `fail` with plain dataset
 * descriptions) and a {@link Recorder}: zone promotions and writes become
 * OpenLineage runs, with their facets translated.
 *
 * @module
 */

import type { Schema } from 'apache-arrow';
import { schemaFacetFromArrow } from './arrow.js';
import type { DatasetRef, Facets } from './events.js';
import { customFacet, inputStatisticsFacet, outputStatisticsFacet, type Facet, type Statistics } from './facets.js';
import type { Recorder, RunHandle } from './recorder.js';

/** A dataset as the zone writers describe it. */
export interface ZoneDataset {
  namespace: string;
  name: string;
  schema?: Schema;
  /** Row count, file count, snapshot id…, or ready-made OpenLineage facets (objects with `_producer`). */
  facets?: Record<string, unknown>;
}

/** The hook shape the zone writers call. */
export interface ZoneLineageHook {
  start(event: { runId: string; job: string; inputs: ZoneDataset[]; startedAt: Date }): Promise<void>;
  complete(event: { runId: string; job: string; inputs: ZoneDataset[]; outputs: ZoneDataset[]; endedAt: Date }): Promise<void>;
  fail(event: { runId: string; job: string; inputs: ZoneDataset[]; error: unknown; endedAt: Date }): Promise<void>;
}

/** Options of {@link zoneLineageHook}. */
export interface ZoneLineageHookOptions {
  /**
   * Map the zone writers' dataset names to OpenLineage names (e.g. namespace
   * `bronze` → `s3://acme-bronze`). @default names are kept
   */
  resolve?: (d: ZoneDataset) => DatasetRef;
}

/** `_schemaURL` of the custom facet that carries zone details (sha256, version, snapshot id). */
export const ZONE_FACET_SCHEMA_URL = 'https://github.com/lakekit/lakekit/tree/v0.1.0/docs/lineage.md#zone-facet';

const STATS: Record<string, keyof Statistics> = { rows: 'rowCount', rowCount: 'rowCount', size: 'size', bytes: 'size', files: 'fileCount', fileCount: 'fileCount' };

function translate(d: ZoneDataset, role: 'input' | 'output', resolve: (d: ZoneDataset) => DatasetRef): { ref: DatasetRef; facets: Facets; roleFacets: Facets } {
  const facets: Facets = {};
  const roleFacets: Facets = {};
  const stats: Statistics = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d.facets ?? {})) {
    if (v === undefined) continue;
    if (typeof v === 'object' && v !== null && '_producer' in v && '_schemaURL' in v) facets[k] = v as Facet;
    else if (STATS[k] !== undefined && typeof v === 'number') stats[STATS[k]!] = v;
    else rest[k] = typeof v === 'bigint' ? v.toString() : v;
  }
  if (d.schema !== undefined) facets.schema = schemaFacetFromArrow(d.schema);
  if (Object.keys(rest).length > 0) facets.lakekit_zone = customFacet(ZONE_FACET_SCHEMA_URL, rest);
  if (Object.keys(stats).length > 0) {
    if (role === 'input') roleFacets.inputStatistics = inputStatisticsFacet(stats);
    else roleFacets.outputStatistics = outputStatisticsFacet(stats);
  }
  const r = resolve(d);
  return { ref: { namespace: r.namespace, name: r.name }, facets, roleFacets };
}

/**
 * A hook for the zone writers (`promote(…, { lineage })`) that records each
 * zone run through `recorder`: START on `start`, COMPLETE with the outputs on
 * `complete`, FAIL with the error on `fail`. The writers' run id (a UUID)
 * becomes the OpenLineage run id. Plain facet values become `inputStatistics`
 * / `outputStatistics` (rows, size, files) and a `lakekit_zone` custom facet
 * (anything else); Arrow schemas become `schema` facets.
 */
export function zoneLineageHook(recorder: Recorder, options: ZoneLineageHookOptions = {}): ZoneLineageHook {
  const resolve = options.resolve ?? ((d: ZoneDataset) => d);
  const runs = new Map<string, RunHandle>();
  const handle = (runId: string, job: string, inputs: ZoneDataset[]): RunHandle => {
    const ins = inputs.map((d) => {
      const t = translate(d, 'input', resolve);
      return { ...t.ref, facets: t.facets, inputFacets: t.roleFacets };
    });
    let h = runs.get(runId);
    if (h === undefined) {
      h = recorder.start({ name: job, runId, inputs: ins });
      runs.set(runId, h);
    } else for (const d of ins) h.addInput(d);
    return h;
  };
  return {
    async start({ runId, job, inputs }) {
      await handle(runId, job, inputs).started;
    },
    async complete({ runId, job, inputs, outputs }) {
      const h = handle(runId, job, inputs);
      for (const d of outputs) {
        const t = translate(d, 'output', resolve);
        h.addOutput({ ...t.ref, facets: t.facets, outputFacets: t.roleFacets });
      }
      runs.delete(runId);
      await h.complete();
    },
    async fail({ runId, job, inputs, error }) {
      const h = handle(runId, job, inputs);
      runs.delete(runId);
      await h.fail(error);
    },
  };
}
