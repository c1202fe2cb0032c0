import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../src/formats/csv/reader.js';
import { readJson } from '../../../src/formats/json/reader.js';

const enc = new TextEncoder();

/** A source whose bytes arrive and which then fails (a dropped connection, a checksum stream that rejects at its end). */
function failingAfter(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start: (c) => c.enqueue(enc.encode(text)),
    pull: (c) => c.error(new Error('source failed')),
  });
}

describe('a source that fails while the schema is still being decided', () => {
  for (const [name, open] of [
    ['CSV', () => readCsv(failingAfter('a,b\n1,2\n3,4\n'))],
    ['JSONL', () => readJson(failingAfter('{"a":1}\n{"a":2}\n'))],
  ] as const) {
    it(`${name}: the error reaches the iteration even when the schema was asked for first`, async () => {
      const stream = open();
      const schema = stream.schema.then(
        () => 'resolved',
        () => 'rejected',
      );
      let rows = 0;
      const e = await (async () => {
        for await (const b of stream) rows += b.numRows;
      })().catch((x: unknown) => x);
      expect((e as Error).message).toBe('source failed');
      expect(rows).toBe(0);
      expect(await schema).toBe('rejected');
    });
  }
});
