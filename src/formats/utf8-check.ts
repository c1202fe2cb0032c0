/**
 * Streaming UTF-8 validation without decoding: ASCII is skipped four bytes
 * at a time, multi-byte sequences are checked by the Unicode table
 * (no overlong forms, no surrogates, nothing above U+10FFFF), and a sequence
 * cut by a chunk boundary is finished in the next chunk.
 */
export class Utf8Validator {
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;

  /** Check the next chunk: -1 when valid so far, else the index of the first bad byte in it. */
  check(b: Uint8Array): number {
    const n = b.length;
    let need = this.need;
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    const skew = (4 - (b.byteOffset & 3)) & 3;
    const words = n - skew >= 4 ? new Uint32Array(b.buffer, b.byteOffset + skew, (n - skew) >> 2) : undefined;
    const wordEnd = words === undefined ? 0 : skew + words.length * 4;
    while (i < n) {
      if (need === 0) {
        if (words !== undefined && i >= skew && i < wordEnd && ((i - skew) & 3) === 0) {
          let k = (i - skew) >> 2;
          const m = words.length;
          while (k < m && (words[k]! & 0x80808080) === 0) k++;
          i = skew + k * 4;
          if (i >= n) break;
        }
        const c = b[i]!;
        if (c < 0x80) {
          i++;
          continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
          need = 1;
          lo = 0x80;
          hi = 0xbf;
        } else if (c >= 0xe0 && c <= 0xef) {
          need = 2;
          lo = c === 0xe0 ? 0xa0 : 0x80;
          hi = c === 0xed ? 0x9f : 0xbf;
        } else if (c >= 0xf0 && c <= 0xf4) {
          need = 3;
          lo = c === 0xf0 ? 0x90 : 0x80;
          hi = c === 0xf4 ? 0x8f : 0xbf;
        } else return i;
        i++;
        continue;
      }
      const c = b[i]!;
      if (c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
      need--;
      i++;
    }
    this.need = need;
    this.lo = lo;
    this.hi = hi;
    return -1;
  }

  /** Whether the input ended inside a sequence. */
  get incomplete(): boolean {
    return this.need > 0;
  }
}
