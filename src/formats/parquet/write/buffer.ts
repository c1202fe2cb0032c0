/** A growable byte buffer for building pages without intermediate arrays. */
export class ByteBuffer {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity);
  }

  /** Make room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(need, this.bytes.length * 2));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  push(b: number): void {
    this.ensure(1);
    this.bytes[this.length++] = b;
  }

  append(src: Uint8Array): void {
    this.ensure(src.length);
    this.bytes.set(src, this.length);
    this.length += src.length;
  }

  /** Unsigned LEB128 varint of a non-negative integer below 2^53. */
  varint(v: number): void {
    this.ensure(10);
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.bytes[this.length++] = v;
  }

  int32LE(v: number): void {
    this.ensure(4);
    const b = this.bytes;
    const p = this.length;
    b[p] = v;
    b[p + 1] = v >>> 8;
    b[p + 2] = v >>> 16;
    b[p + 3] = v >>> 24;
    this.length += 4;
  }

  /** Overwrite 4 bytes at `pos` with `v`, little-endian. */
  setInt32LE(pos: number, v: number): void {
    const b = this.bytes;
    b[pos] = v;
    b[pos + 1] = v >>> 8;
    b[pos + 2] = v >>> 16;
    b[pos + 3] = v >>> 24;
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /** A view of the bytes written (invalidated by the next write). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}

/** A growable Int32 array (dictionary indexes of the open page). */
export class IntBuffer {
  values = new Int32Array(1024);
  length = 0;

  ensure(n: number): void {
    const need = this.length + n;
    if (need <= this.values.length) return;
    const next = new Int32Array(Math.max(need, this.values.length * 2));
    next.set(this.values.subarray(0, this.length));
    this.values = next;
  }

  clear(): void {
    this.length = 0;
  }
}
