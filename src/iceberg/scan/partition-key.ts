/** A stable string key for a partition tuple, so files of one partition can be grouped in a Map. */
import { toHex } from '../../internal/bytes.js';
import type { StructValue, Value } from '../spec/values.js';

function valueKey(v: Value): string {
  if (v === null || v === undefined) return 'n';
  if (typeof v === 'bigint') return `b${v}`;
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : `d${Object.is(v, -0) ? 0 : v}`;
  if (typeof v === 'string') return `s${JSON.stringify(v)}`;
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (v instanceof Uint8Array) return `x${toHex(v)}`;
  return `o${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))}`;
}

/** Key of a partition tuple (keyed by partition field id) under a spec. */
export function partitionKey(specId: number, partition: StructValue | readonly Value[]): string {
  const parts: string[] = [String(specId)];
  if (partition instanceof Map) {
    for (const id of [...partition.keys()].sort((a, b) => a - b)) parts.push(`${id}=${valueKey(partition.get(id) as Value)}`);
  } else {
    partition.forEach((v, i) => parts.push(`${i}=${valueKey(v)}`));
  }
  return parts.join('|');
}
