/**
 * Text encodings for the text readers: every source is turned into UTF-8
 * chunks once, at the edge, so the parsers work on UTF-8 bytes only. A
 * byte-order mark decides the encoding when present (and is dropped); other
 * encodings go through the platform's `TextDecoder` (WHATWG labels).
 */
import { ValidationError } from '../errors.js';
import { Utf8Validator } from './utf8-check.js';

/** Encodings the text readers accept (any WHATWG label also works). */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'latin1' | 'windows-1252' | (string & {});

/** Text is UTF-8 unless a byte-order mark or `encoding` says otherwise. */
export const DEFAULT_TEXT_ENCODING = 'utf-8';

function bomOf(head: Uint8Array): { encoding: string; length: number } | undefined {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

function decoderFor(encoding: string, fatal: boolean): TextDecoder {
  try {
    return new TextDecoder(encoding, { fatal, ignoreBOM: true });
  } catch (e) {
    throw new ValidationError(`unknown text encoding ${JSON.stringify(encoding)}; use utf-8, utf-16le, utf-16be, latin1 or windows-1252`, { cause: e });
  }
}

/**
 * UTF-8 chunks from chunks in `encoding` (a BOM wins over it). UTF-8 input is
 * passed through after validation: invalid bytes end the read with a
 * ValidationError naming the byte offset.
 */
export async function* utf8Chunks(chunks: AsyncIterable<Uint8Array>, encoding: string | undefined): AsyncGenerator<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  // Gather at least 3 bytes to see a BOM.
  let head = new Uint8Array(0);
  let done = false;
  while (head.length < 3) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const next = new Uint8Array(head.length + r.value.length);
    next.set(head);
    next.set(r.value, head.length);
    head = next;
  }
  const bom = bomOf(head);
  const enc = (bom?.encoding ?? encoding ?? DEFAULT_TEXT_ENCODING).toLowerCase();
  if (bom !== undefined) head = head.subarray(bom.length);
  const isUtf8 = enc === 'utf-8' || enc === 'utf8';
  const decoder = isUtf8 ? undefined : decoderFor(enc, false);
  const validator = new Utf8Validator();
  const encoder = new TextEncoder();
  let offset = bom?.length ?? 0;
  const convert = (chunk: Uint8Array, stream: boolean): Uint8Array => {
    if (decoder === undefined) {
      const bad = validator.check(chunk);
      if (bad >= 0 || (!stream && validator.incomplete)) {
        const at = bad >= 0 ? offset + bad : offset;
        throw new ValidationError(`the input is not valid UTF-8 at byte ${at}; pass the right encoding, e.g. encoding: 'windows-1252'`, { context: { offset: at } });
      }
      offset += chunk.length;
      return chunk;
    }
    offset += chunk.length;
    return encoder.encode(decoder.decode(chunk, { stream }));
  };
  if (head.length > 0) yield convert(head, true);
  if (!done) {
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      yield convert(r.value, true);
    }
  }
  const tail = convert(new Uint8Array(0), false);
  if (tail.length > 0) yield tail;
}
