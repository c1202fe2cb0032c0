/**
 * The CSV dialect AWS DMS writes to S3: comma-separated, no header,
 * `"`-quoted fields with `""` for a quote inside, CRLF or LF line ends.
 * An unquoted empty field is NULL (DMS's default `csvNullValue`), a quoted
 * empty field is the empty string.
 */
import { ValidationError } from '../errors.js';

/** Parse DMS CSV text into records (1-based starting line, fields). Throws `ValidationError` naming the line of an unterminated quote. */
export function parseDmsCsv(text: string, name = 'DMS file', delimiter = ','): [number, (string | null)[]][] {
  const out: [number, (string | null)[]][] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: (string | null)[] = [];
    for (;;) {
      if (text[i] === '"') {
        let value = '';
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new ValidationError(`${name} line ${start}: a quoted field is not closed; the file is truncated or not DMS CSV`, { context: { file: name, line: start } });
          value += text.slice(i, q);
          for (let j = i; j < q; j++) if (text[j] === '\n') line++;
          i = q + 1;
          if (text[i] === '"') {
            value += '"';
            i++;
            continue;
          }
          break;
        }
        fields.push(value);
      } else {
        let j = i;
        while (j < n && text[j] !== delimiter && text[j] !== '\n' && text[j] !== '\r') j++;
        const raw = text.slice(i, j);
        fields.push(raw === '' ? null : raw);
        i = j;
      }
      if (text[i] === delimiter) {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') {
        i++;
        line++;
      } else if (i < n) {
        throw new ValidationError(`${name} line ${line}: unexpected text after a quoted field`, { context: { file: name, line } });
      }
      break;
    }
    if (!(fields.length === 1 && fields[0] === null)) out.push([start, fields]);
  }
  return out;
}
