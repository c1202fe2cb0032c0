/** Delimiter sniffing: the candidate that splits the first records most consistently. */
import { SNIFFED_DELIMITERS } from './options.js';
import { CsvTokenizer } from './tokenizer.js';

/** Bytes of the input the sniffer looks at. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Pick the delimiter among {@link SNIFFED_DELIMITERS}: the one whose most
 * common field count (above 1) covers the largest share of the first
 * records; ties go to the more fields, then to the earlier candidate. Falls
 * back to `,`.
 */
export function sniffDelimiter(head: Uint8Array, quote: number, escape: number, final: boolean): string {
  const sample = head.subarray(0, SNIFF_BYTES);
  const isFinal = final && sample.length === head.length;
  let best = ',';
  let bestScore = -1;
  let bestFields = 0;
  for (const cand of SNIFFED_DELIMITERS) {
    const t = new CsvTokenizer({ delimiter: cand.charCodeAt(0), quote, escape }, -1, SNIFF_BYTES, () => undefined);
    t.tokenize(sample, isFinal);
    const counts = new Map<number, number>();
    for (let r = 0; r < t.nRows; r++) {
      const n = t.rowFields[r + 1]! - t.rowFields[r]!;
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    let mode = 0;
    let modeRows = 0;
    for (const [n, c] of counts) if (c > modeRows || (c === modeRows && n > mode)) [mode, modeRows] = [n, c];
    if (mode < 2 || t.nRows === 0) continue;
    const score = modeRows / t.nRows;
    if (score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && mode > bestFields)) {
      best = cand;
      bestScore = score;
      bestFields = mode;
    }
  }
  return best;
}
