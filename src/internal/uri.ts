/**
 * Parsing of storage locations: `memory://`, `file://` and `s3://` (with the
 * Hadoop spellings `s3a://`, `s3n://` and `file:/path`).
 *
 * Every parsed key is checked for traversal: a `..` or `.` segment, or a NUL
 * byte, is a {@link ValidationError}, so a location that came from data or
 * metadata can never point outside the place it names.
 */
import { ValidationError } from '../errors.js';

/** The storage schemes lakekit resolves. */
export type Scheme = 'memory' | 'file' | 's3';

/** A parsed location. */
export interface Location {
  /** Normalised scheme (`s3a`/`s3n` become `s3`). */
  scheme: Scheme;
  /** Bucket for `s3`/`memory`; `''` for `file`. */
  bucket: string;
  /** Object key without a leading `/` for `s3`/`memory`; an absolute path for `file`. */
  key: string;
}

const SCHEME_RE = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** The scheme of `uri` in lower case, or `undefined` for a bare path. */
export function schemeOf(uri: string): string | undefined {
  const m = SCHEME_RE.exec(uri);
  // A single letter followed by ':' is a Windows drive, not a scheme.
  if (!m || m[1]!.length === 1) return undefined;
  return m[1]!.toLowerCase();
}

/** Normalise scheme aliases (`s3a`, `s3n` → `s3`). */
export function normaliseScheme(scheme: string): string {
  return scheme === 's3a' || scheme === 's3n' ? 's3' : scheme;
}

/** Throw {@link ValidationError} when a key has `.`/`..` segments or NUL bytes. */
export function checkKey(key: string, uri: string): void {
  if (key.includes('\u0000')) throw new ValidationError(`location '${printable(uri)}' contains a NUL byte; remove it`, { context: { uri: printable(uri) } });
  for (const segment of key.split('/')) {
    if (segment === '..' || segment === '.') {
      throw new ValidationError(`location '${printable(uri)}' has a '${segment}' segment; use a normalised path without '.' or '..'`, {
        context: { uri: printable(uri) },
      });
    }
  }
}

/** Parse a `memory://`, `file://` or `s3://` URI. */
export function parseLocation(uri: string): Location {
  const raw = schemeOf(uri);
  if (raw === undefined) throw new ValidationError(`'${printable(uri)}' is not a URI; expected memory://, file:// or s3://`, { context: { uri: printable(uri) } });
  const scheme = normaliseScheme(raw);
  const rest = uri.slice(raw.length + 1);
  if (scheme === 'file') {
    let path: string;
    if (rest.startsWith('///')) path = rest.slice(2);
    else if (rest.startsWith('//localhost/')) path = rest.slice('//localhost'.length);
    else if (rest.startsWith('//')) {
      throw new ValidationError(`file URI '${printable(uri)}' names a host; use file:///absolute/path`, { context: { uri: printable(uri) } });
    } else if (rest.startsWith('/')) path = rest;
    else throw new ValidationError(`file URI '${printable(uri)}' is not absolute; use file:///absolute/path`, { context: { uri: printable(uri) } });
    checkKey(path, uri);
    return { scheme: 'file', bucket: '', key: path };
  }
  if (scheme === 's3' || scheme === 'memory') {
    if (!rest.startsWith('//')) throw new ValidationError(`'${printable(uri)}' must look like ${scheme}://bucket/key`, { context: { uri: printable(uri) } });
    const body = rest.slice(2);
    const slash = body.indexOf('/');
    const bucket = slash < 0 ? body : body.slice(0, slash);
    const key = slash < 0 ? '' : body.slice(slash + 1);
    if (bucket === '') throw new ValidationError(`'${printable(uri)}' has no bucket; use ${scheme}://bucket/key`, { context: { uri: printable(uri) } });
    checkKey(key, uri);
    return { scheme, bucket, key };
  }
  throw new ValidationError(`unsupported scheme '${raw}' in '${printable(uri)}'; lakekit resolves memory://, file:// and s3://`, {
    context: { uri: printable(uri), scheme: raw },
  });
}

/** Format a location back to its canonical URI. */
export function formatLocation(loc: Location): string {
  if (loc.scheme === 'file') return `file://${loc.key}`;
  return `${loc.scheme}://${loc.bucket}/${loc.key}`;
}

/** Join path parts with single slashes (no normalisation beyond that). */
export function joinPath(base: string, ...parts: string[]): string {
  let out = base;
  for (const p of parts) {
    if (p === '') continue;
    out = out.endsWith('/') ? out + p.replace(/^\/+/, '') : `${out}/${p.replace(/^\/+/, '')}`;
  }
  return out;
}

/** Make a string safe to show: control characters escaped, very long text cut. */
export function printable(s: string): string {
  const cut = s.length > 300 ? `${s.slice(0, 300)}…` : s;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
