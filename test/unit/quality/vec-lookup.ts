/** Column lookup over one record batch for the expression kernels under test (each column's Vec made once). */
import type { RecordBatch } from 'apache-arrow';
import { vecOfData, type Vec } from '../../../src/quality/expr/vector.js';

export function lookup(batch: RecordBatch): (name: string) => Vec | undefined {
  const cache = new Map<string, Vec>();
  return (name) => {
    const i = batch.schema.fields.findIndex((f) => f.name === name);
    if (i < 0) return undefined;
    let v = cache.get(name);
    if (!v) cache.set(name, (v = vecOfData(batch.data.children[i]!)));
    return v;
  };
}
