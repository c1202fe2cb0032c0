/**
 * Object layout of the zones: Hive-style `name=value` path segments whose
 * values are escaped with Iceberg's partition-path escaping (Java's
 * `URLEncoder`), so a value can never add, remove or climb a path segment
 * and always decodes back exactly.
 */
import { ValidationError } from '../errors.js';
import { escapePartitionPathPart, unescapePartitionPathPart } from '../iceberg/spec/partition-path.js';
import { utf8 } from '../internal/bytes.js';

/**
 * Longest escaped path segment accepted: 255 bytes is the file-name limit of
 * local file systems (S3 keys allow 1024 bytes in all), so longer values are
 * refused rather than failing later on disk.
 */
export const MAX_SEGMENT_BYTES = 255;

/** Escape one value for a path segment. `.` and `..` alone are escaped too, so no segment is a dot-segment. */
export function escapeSegment(value: string): string {
  const escaped = escapePartitionPathPart(value);
  return escaped === '.' ? '%2E' : escaped === '..' ? '%2E%2E' : escaped;
}

/** Reverse {@link escapeSegment}. Throws `ValidationError` on text it could not have produced. */
export function unescapeSegment(segment: string): string {
  return unescapePartitionPathPart(segment);
}

/** One Hive-style segment `name=value`, value escaped. */
export function hiveSegment(name: string, value: string): string {
  const seg = `${escapeSegment(name)}=${escapeSegment(value)}`;
  checkLength(seg, name);
  return seg;
}

function checkLength(segment: string, what: string): void {
  const n = utf8(segment).byteLength;
  if (n > MAX_SEGMENT_BYTES) {
    throw new ValidationError(`${what} is too long for a path segment (${n} bytes escaped, at most ${MAX_SEGMENT_BYTES}); use a shorter value`, {
      context: { bytes: n, limit: MAX_SEGMENT_BYTES },
    });
  }
}

/** A file name as one escaped path segment; the empty name is refused. */
export function fileSegment(name: string): string {
  if (name === '') throw new ValidationError('a file name must not be empty; give each ingested file a name');
  const seg = escapeSegment(name);
  checkLength(seg, `file name ${JSON.stringify(name.slice(0, 40))}`);
  return seg;
}

/** Parse `a=1/b=2` (escaped) into ordered `[name, value]` pairs; segments without `=` are refused. */
export function parseHivePath(path: string): [string, string][] {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return [];
  return trimmed.split('/').map((seg) => {
    const eq = seg.indexOf('=');
    if (eq < 0) throw new ValidationError(`path segment ${JSON.stringify(seg)} is not name=value`);
    return [unescapeSegment(seg.slice(0, eq)), unescapeSegment(seg.slice(eq + 1))];
  });
}

/** `YYYY-MM-DD` of an instant in UTC. */
export function utcDate(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new ValidationError('the date is invalid; pass a valid Date');
  return at.toISOString().slice(0, 10);
}

/** The bronze prefix of one source and ingest date: `source=<s>/ingest_date=<d>/`. */
export function bronzePrefix(source: string, ingestDate: string): string {
  return `${hiveSegment('source', source)}/${hiveSegment('ingest_date', ingestDate)}/`;
}

/** Fixed-width version numbers keep manifest listings in commit order. */
export function versionName(version: number): string {
  return `v${String(version).padStart(9, '0')}`;
}

/** Parse a {@link versionName} (with or without extension); undefined if it is not one. */
export function parseVersionName(name: string): number | undefined {
  const m = /^v(\d{9})(?:\.[a-z]+)?$/.exec(name);
  return m === null ? undefined : Number(m[1]);
}
