/**
 * lakekit's detectors against Microsoft Presidio (presidio-analyzer, pattern
 * recognizers behind a blank spaCy pipeline — no model download) on the same
 * labelled cells: lakekit is at least as accurate on every type both detect.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, generateBenchmark, Scanner, type BenchmarkCell } from '../../src/classification/index.js';
import { PRESIDIO_TYPES, presidioTypes, runPresidio } from '../helpers/presidio.js';

describe('lakekit vs Presidio on the labelled benchmark', () => {
  it('Presidio runs without a spaCy model, and lakekit scores at least as well per type', async () => {
    const cells = generateBenchmark({ perType: 12, seed: 77 });
    const run = await runPresidio(cells);
    expect(run.version).toBe('2.2.366');
    expect(run.results).toHaveLength(cells.length);
    // Presidio finds the plain cases (its recognizers are working, not silently empty).
    const card = cells.findIndex((c) => c.labels[0] === 'CREDIT_CARD' && c.category === 'valid-hint');
    expect(presidioTypes(run.results[card]!, 0.1)).toContain('CREDIT_CARD');
    const lakekit = evaluate(cells, new Scanner(), PRESIDIO_TYPES);
    const best = Math.max(...[0.05, 0.1, 0.3, 0.5, 0.7].map((t) => evaluate(cells, (_c: BenchmarkCell, i: number) => presidioTypes(run.results[i]!, t), PRESIDIO_TYPES).overall.f2));
    expect(lakekit.overall.f2).toBeGreaterThanOrEqual(best);
    const presidio = evaluate(cells, (_c: BenchmarkCell, i: number) => presidioTypes(run.results[i]!, 0.1), PRESIDIO_TYPES);
    for (const t of lakekit.types) expect(t.f2, t.type).toBeGreaterThanOrEqual(presidio.types.find((x) => x.type === t.type)!.f2);
  });
});
