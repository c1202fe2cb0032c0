/**
 * A pre-flight walk over Zstandard frames (RFC 8878, section 3.1) before
 * they reach the decoder: the decoder allocates each frame's window up
 * front, so a six-byte hostile header could ask for gigabytes. Here every
 * frame's window and declared content size is checked against a limit, and
 * frame and block framing is checked against the input length.
 */
import { ValidationError } from '../../errors.js';

const MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;

function corrupt(problem: string): never {
  throw new ValidationError(`a zstandard-compressed Avro block is corrupt: ${problem}`);
}

function le(data: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + data[at + i]!;
  return v;
}

/**
 * Check the framing of `data` and that no frame needs a window or declares
 * content larger than `maxBytes`. Throws ValidationError otherwise.
 */
export function checkZstdFrames(data: Uint8Array, maxBytes: number): void {
  let pos = 0;
  if (data.length === 0) corrupt('the block is empty');
  while (pos < data.length) {
    if (pos + 4 > data.length) corrupt('a frame is cut short');
    const magic = le(data, pos, 4);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
      if (pos + 8 > data.length) corrupt('a skippable frame is cut short');
      pos += 8 + le(data, pos + 4, 4);
      continue;
    }
    if (magic !== MAGIC) corrupt('a frame does not start with the zstd magic number');
    pos += 4;
    if (pos >= data.length) corrupt('a frame header is cut short');
    const descriptor = data[pos++]!;
    const fcsFlag = descriptor >> 6;
    const singleSegment = (descriptor >> 5) & 1;
    const checksum = (descriptor >> 2) & 1;
    const dictBytes = [0, 1, 2, 4][descriptor & 3]!;
    if (descriptor & 8) corrupt('a frame header sets a reserved bit');
    let window = 0;
    if (!singleSegment) {
      if (pos >= data.length) corrupt('a frame header is cut short');
      const w = data[pos++]!;
      const base = 2 ** (10 + (w >> 3));
      window = base + (base / 8) * (w & 7);
    }
    pos += dictBytes;
    const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
    if (pos + fcsBytes > data.length) corrupt('a frame header is cut short');
    const contentSize = fcsBytes === 0 ? 0 : le(data, pos, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
    pos += fcsBytes;
    if (Math.max(window, contentSize) > maxBytes) {
      throw new ValidationError(`a zstandard-compressed Avro block needs ${Math.max(window, contentSize)} bytes, more than the limit of ${maxBytes}; raise maxBlockBytes if the file is trusted`);
    }
    for (;;) {
      if (pos + 3 > data.length) corrupt('a block header is cut short');
      const header = le(data, pos, 3);
      pos += 3;
      const type = (header >> 1) & 3;
      const size = header >> 3;
      if (type === 3) corrupt('a block has the reserved type');
      pos += type === 1 ? 1 : size;
      if (pos > data.length) corrupt('a block is cut short');
      if (header & 1) break;
    }
    pos += checksum * 4;
  }
  if (pos > data.length) corrupt('the last frame is cut short');
}
