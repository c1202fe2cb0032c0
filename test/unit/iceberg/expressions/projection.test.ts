import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PartitionFieldSummary } from '../../../../src/iceberg/expressions/manifest-evaluator.js';
import {
  bind, evaluatePartition, inclusiveProjection, manifestEvaluator, partitionEvaluator, residualEvaluator, strictProjection,
} from '../../../../src/iceberg/expressions/index.js';
import type { PrimitiveType, Value } from '../../../../src/iceberg/spec/index.js';
import { bindPartitionTuple, buildPartitionSpec, partitionType, toBytes } from '../../../../src/iceberg/spec/index.js';
import { caseArb, refCompare, refMatches, specFieldsArb } from './arbitraries.js';

const withSpec = caseArb.chain((c) => specFieldsArb(c.schema).map((fields) => ({ ...c, spec: buildPartitionSpec(c.schema, fields) })));
const isNaNV = (v: Value) => typeof v === 'number' && Number.isNaN(v);

describe('projections onto partition values', () => {
  it('inclusive: a matching row always has a partition that satisfies the projection', () => {
    fc.assert(
      fc.property(withSpec, ({ schema, rows, filter, spec }) => {
        const bound = bind(filter, schema);
        const projected = inclusiveProjection(schema, spec, filter);
        const tupleOf = bindPartitionTuple(spec, schema);
        const mightMatch = partitionEvaluator(schema, spec, filter);
        for (const r of rows) {
          if (!refMatches(bound, r)) continue;
          const tuple = tupleOf((id) => r.get(id) ?? null);
          expect(evaluatePartition(spec, projected, tuple)).toBe(true);
          expect(mightMatch(new Map(spec.fields.map((f, i) => [f.fieldId, tuple[i]!])))).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('strict: a row whose partition satisfies the projection matches', () => {
    fc.assert(
      fc.property(withSpec, ({ schema, rows, filter, spec }) => {
        const bound = bind(filter, schema);
        const projected = strictProjection(schema, spec, filter);
        const tupleOf = bindPartitionTuple(spec, schema);
        for (const r of rows) {
          if (evaluatePartition(spec, projected, tupleOf((id) => r.get(id) ?? null))) expect(refMatches(bound, r)).toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('residual: a row matches the filter exactly when it matches the residual of its partition', () => {
    let decided = 0;
    fc.assert(
      fc.property(withSpec, ({ schema, rows, filter, spec }) => {
        const bound = bind(filter, schema);
        const residualFor = residualEvaluator(schema, spec, filter);
        const tupleOf = bindPartitionTuple(spec, schema);
        for (const r of rows) {
          const residual = residualFor(tupleOf((id) => r.get(id) ?? null));
          if (residual.op === 'true' || residual.op === 'false') decided++;
          expect(refMatches(residual, r)).toBe(refMatches(bound, r));
        }
      }),
      { numRuns: 1500 },
    );
    expect(decided).toBeGreaterThan(100);
  });

  it('manifest evaluator: never rules out a manifest holding a matching row', () => {
    fc.assert(
      fc.property(withSpec, ({ schema, rows, filter, spec }) => {
        const bound = bind(filter, schema);
        if (!rows.some((r) => refMatches(bound, r))) return;
        const tupleOf = bindPartitionTuple(spec, schema);
        const tuples = rows.map((r) => tupleOf((id) => r.get(id) ?? null));
        const types = partitionType(spec, schema).fields.map((f) => f.type as PrimitiveType);
        const summaries: PartitionFieldSummary[] = spec.fields.map((_, i) => {
          const values = tuples.map((t) => t[i] ?? null);
          const real = values.filter((v) => v !== null && !isNaNV(v));
          const t = types[i]!;
          const canHaveNaN = t.type === 'float' || t.type === 'double';
          if (real.length === 0) return { containsNull: values.includes(null), containsNan: canHaveNaN ? values.some((v) => v !== null && isNaNV(v)) : null };
          const lo = real.reduce((a, b) => (refCompare(a, b) <= 0 ? a : b));
          const hi = real.reduce((a, b) => (refCompare(a, b) >= 0 ? a : b));
          return {
            containsNull: values.includes(null),
            containsNan: canHaveNaN ? values.some((v) => v !== null && isNaNV(v)) : null,
            lowerBound: toBytes(t, lo),
            upperBound: toBytes(t, hi),
          };
        });
        expect(manifestEvaluator(schema, spec, filter)(summaries)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
