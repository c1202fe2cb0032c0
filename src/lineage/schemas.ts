/**
 * Validation of OpenLineage events against the official JSON Schemas
 * (embedded from ../shared/specs/openlineage by
 * scripts/gen-openlineage-schemas.mjs), with Ajv, offline.
 *
 * An event is checked against the core schema for its kind, and every
 * standard facet in it against that facet's own schema (the core schema
 * alone only checks `_producer` and `_schemaURL`). Facets the standard does
 * not define are left alone. A failure is a {@link ValidationError} that
 * names the JSON path in the event and the schema path that failed.
 *
 * @module
 */

import { Ajv2020, type ErrorObject, type FormatDefinition, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { ValidationError } from '../errors.js';
import type { DatasetEvent, JobEvent, LineageEvent, RunEvent } from './events.js';
import { OPENLINEAGE_CORE_SCHEMA, OPENLINEAGE_FACET_SCHEMAS } from './spec/schemas.generated.js';

/** Where a facet sits, which decides which standard schema applies to a facet name. */
export type FacetSlot = 'run' | 'job' | 'dataset' | 'input' | 'output';

const BASE_TO_SLOT: Record<string, FacetSlot> = {
  RunFacet: 'run',
  JobFacet: 'job',
  DatasetFacet: 'dataset',
  InputDatasetFacet: 'input',
  OutputDatasetFacet: 'output',
};

interface FacetValidator {
  file: string;
  pointer: string;
  /** Compiled on first use: compiling all ~40 facet schemas up front takes seconds. */
  validate: () => ValidateFunction;
}

interface Compiled {
  byKind: { run: ValidateFunction; dataset: ValidateFunction; job: ValidateFunction };
  any: ValidateFunction;
  facets: Record<FacetSlot, Map<string, FacetValidator>>;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false, verbose: true });
  formats.default(ajv);
  memoizeFormat(ajv, 'uri');
  shortcutFormat(ajv, 'uuid', isCanonicalUuid);
  shortcutFormat(ajv, 'date-time', isCanonicalUtcDateTime);
  ajv.addSchema(OPENLINEAGE_CORE_SCHEMA);
  const coreId = OPENLINEAGE_CORE_SCHEMA.$id as string;
  const facets: Compiled['facets'] = { run: new Map(), job: new Map(), dataset: new Map(), input: new Map(), output: new Map() };
  for (const { file, schema } of OPENLINEAGE_FACET_SCHEMAS) {
    ajv.addSchema(schema);
    const id = schema.$id as string;
    const props = (schema.properties ?? {}) as Record<string, { $ref?: string }>;
    const defs = (schema.$defs ?? {}) as Record<string, { allOf?: { $ref?: string }[] }>;
    for (const [name, prop] of Object.entries(props)) {
      const defName = prop.$ref?.replace('#/$defs/', '');
      const baseRef = defName === undefined ? undefined : defs[defName]?.allOf?.[0]?.$ref;
      const slot = baseRef === undefined ? undefined : BASE_TO_SLOT[baseRef.slice(baseRef.lastIndexOf('/') + 1)];
      if (slot === undefined || defName === undefined) continue;
      const pointer = `#/$defs/${defName}`;
      let fn: ValidateFunction | undefined;
      facets[slot].set(name, { file, pointer, validate: () => (fn ??= ajv.compile({ $ref: `${id}${pointer}` })) });
    }
  }
  return {
    byKind: {
      run: ajv.compile({ $ref: `${coreId}#/$defs/RunEvent` }),
      dataset: ajv.compile({ $ref: `${coreId}#/$defs/DatasetEvent` }),
      job: ajv.compile({ $ref: `${coreId}#/$defs/JobEvent` }),
    },
    any: ajv.compile({ $ref: coreId }),
    facets,
  };
}

/** Most `uri` strings of a load repeat (`producer`, `schemaURL`, every facet's `_producer` and `_schemaURL`). */
const FORMAT_CACHE_SIZE = 4096;

/**
 * Remember a format check's verdict per string: the full RFC 3986 `uri`
 * regex is the costliest step of validating an event, and the same few URIs
 * recur in every event and facet. Same verdicts, computed once.
 */
function memoizeFormat(ajv: Ajv2020, name: string): void {
  wrapFormat(ajv, name, (check) => {
    const seen = new Map<string, boolean>();
    return (s) => {
      let ok = seen.get(s);
      if (ok === undefined) {
        ok = check(s);
        if (seen.size >= FORMAT_CACHE_SIZE) seen.clear();
        seen.set(s, ok);
      }
      return ok;
    };
  });
}

/** Replace format `name`'s check by `wrap(original check)`, keeping the rest of its definition (e.g. `compare`). */
function wrapFormat(ajv: Ajv2020, name: string, wrap: (check: (s: string) => boolean) => (s: string) => boolean): void {
  const format = ajv.formats[name];
  const validate = typeof format === 'object' && format !== null && !(format instanceof RegExp) ? format.validate : format;
  const check = validate instanceof RegExp ? (s: string) => validate.test(s) : typeof validate === 'function' ? (s: string) => (validate as (s: string) => boolean)(s) : undefined;
  if (check === undefined) return;
  const fast = wrap(check);
  if (typeof format === 'object' && format !== null && !(format instanceof RegExp)) ajv.addFormat(name, { ...(format as FormatDefinition<string>), validate: fast });
  else ajv.addFormat(name, fast);
}

/**
 * Accept at once the strings `accept` recognises (the exact shape lakekit and
 * most producers write, every one of which the full check accepts); send the
 * rest to the full check, so the verdicts are unchanged.
 */
function shortcutFormat(ajv: Ajv2020, name: string, accept: (s: string) => boolean): void {
  wrapFormat(ajv, name, (check) => (s) => accept(s) || check(s));
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits. */
export function isCanonicalUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23 ? c !== 45 : !isHex(c)) return false;
  }
  return true;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with a real calendar date and no leap second (what `Date.toISOString` writes). */
export function isCanonicalUtcDateTime(s: string): boolean {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 90 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return false;
  const century = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1) return false;
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!)) return false;
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  if (n === 20) return true;
  if (s.charCodeAt(19) !== 46 || n === 21) return false;
  for (let i = 20; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function schemas(): Compiled {
  compiled ??= compile();
  return compiled;
}

/** The standard facet names per slot (for docs and tests). */
export function standardFacetNames(): Record<FacetSlot, string[]> {
  const { facets } = schemas();
  return {
    run: [...facets.run.keys()],
    job: [...facets.job.keys()],
    dataset: [...facets.dataset.keys()],
    input: [...facets.input.keys()],
    output: [...facets.output.keys()],
  };
}

function fail(instancePath: string, schemaPath: string, error: ErrorObject | undefined, what: string): never {
  const where = instancePath === '' ? '(root)' : instancePath;
  const message = error?.message ?? 'is invalid';
  throw new ValidationError(
    `${what} is not a valid OpenLineage event: ${where} ${message} (schema ${schemaPath}); fix the producer or drop the event`,
    { context: { instancePath: where, schemaPath, keyword: error?.keyword, params: error?.params } },
  );
}

const KIND_POINTER = { run: '#/$defs/RunEvent', dataset: '#/$defs/DatasetEvent', job: '#/$defs/JobEvent' } as const;

let pointers: Map<object, string> | undefined;

/** Every subschema object of the embedded schemas, mapped to `file#/json/pointer`. */
function schemaPointers(): Map<object, string> {
  if (pointers !== undefined) return pointers;
  const map = new Map<object, string>();
  const walk = (node: unknown, at: string) => {
    if (typeof node !== 'object' || node === null || map.has(node)) return;
    map.set(node, at);
    for (const [k, v] of Object.entries(node)) walk(v, `${at}/${escapePointer(k)}`);
  };
  walk(OPENLINEAGE_CORE_SCHEMA, 'OpenLineage.json#');
  for (const { file, schema } of OPENLINEAGE_FACET_SCHEMAS) walk(schema, `${file}#`);
  pointers = map;
  return map;
}

/**
 * The failing keyword as `file#/json/pointer` in the official schema files.
 * Ajv's own `schemaPath` is relative to whichever `$ref` it followed last, so
 * the keyword's parent schema object (kept by `verbose`) is looked up instead.
 */
function schemaPathOf(file: string, pointer: string, err: ErrorObject | undefined): string {
  const parent = err?.parentSchema;
  const at = typeof parent === 'object' && parent !== null ? schemaPointers().get(parent) : undefined;
  if (at !== undefined && err !== undefined) return `${at}/${escapePointer(err.keyword)}`;
  const p = err?.schemaPath ?? '#';
  return `${file}${pointer}${p.slice(1)}`;
}

function kindOf(e: Record<string, unknown>): 'run' | 'dataset' | 'job' {
  if ('run' in e) return 'run';
  if ('dataset' in e) return 'dataset';
  return 'job';
}

/**
 * Check a facet map against the standard facet schemas. A facet name the slot
 * does not define is checked against the schema of that name in another
 * slot (a quality facet attached to an output), else passes through.
 */
function checkFacets(map: unknown, slot: FacetSlot, path: string, what: string): void {
  if (typeof map !== 'object' || map === null) return;
  const { facets } = schemas();
  for (const [name, value] of Object.entries(map)) {
    const datasetSlot = slot === 'dataset' || slot === 'input' || slot === 'output';
    const v = facets[slot].get(name) ?? (datasetSlot ? (facets.dataset.get(name) ?? facets.input.get(name) ?? facets.output.get(name)) : undefined);
    if (v === undefined) continue;
    const validate = v.validate();
    if (!validate(value)) {
      const err = validate.errors?.[0];
      fail(`${path}/${escapePointer(name)}${err?.instancePath ?? ''}`, schemaPathOf(v.file, v.pointer, err), err, what);
    }
  }
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function checkDatasets(list: unknown, slot: 'input' | 'output', path: string, what: string): void {
  if (!Array.isArray(list)) return;
  list.forEach((d: Record<string, unknown>, i) => {
    checkFacets(d.facets, 'dataset', `${path}/${i}/facets`, what);
    checkFacets(d[slot === 'input' ? 'inputFacets' : 'outputFacets'], slot, `${path}/${i}/${slot}Facets`, what);
  });
}

/**
 * Throw a {@link ValidationError} unless `event` is a valid OpenLineage event
 * whose standard facets follow their schemas.
 *
 * @param what names the event in the message (e.g. `line 17 of events.ndjson`).
 */
export function validateEvent(event: unknown, what = 'the event'): asserts event is LineageEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) fail('', 'OpenLineage.json#/type', undefined, what);
  const s = schemas();
  const e = event as Record<string, unknown>;
  const kind = kindOf(e);
  const byKind = s.byKind[kind];
  if (!byKind(e)) {
    const err = byKind.errors?.[0];
    fail(err?.instancePath ?? '', schemaPathOf('OpenLineage.json', KIND_POINTER[kind], err), err, what);
  }
  // The kind-specific schema already excludes the other kinds, except that an
  // event with a dataset and a job (and no run) matches both DatasetEvent and JobEvent.
  if (kind === 'dataset' && 'job' in e && !s.any(e)) {
    const err = s.any.errors?.[0];
    fail(err?.instancePath ?? '', schemaPathOf('OpenLineage.json', '#', err), err, what);
  }
  if (kind === 'run') {
    const r = e as unknown as RunEvent;
    checkFacets(r.run.facets, 'run', '/run/facets', what);
    checkFacets(r.job.facets, 'job', '/job/facets', what);
    checkDatasets(r.inputs, 'input', '/inputs', what);
    checkDatasets(r.outputs, 'output', '/outputs', what);
  } else if (kind === 'dataset') {
    checkFacets((e as unknown as DatasetEvent).dataset.facets, 'dataset', '/dataset/facets', what);
  } else {
    const j = e as unknown as JobEvent;
    checkFacets(j.job.facets, 'job', '/job/facets', what);
    checkDatasets(j.inputs, 'input', '/inputs', what);
    checkDatasets(j.outputs, 'output', '/outputs', what);
  }
}

/** Whether `event` is valid (see {@link validateEvent}), without throwing. */
export function isValidEvent(event: unknown): event is LineageEvent {
  try {
    validateEvent(event);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parse one event from JSON text and validate it.
 * Throws {@link ValidationError} for bad JSON or an invalid event.
 */
export function parseEvent(text: string, what = 'the event'): LineageEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError(`${what} is not JSON (${(cause as Error).message}); each line of an OpenLineage NDJSON file must be one JSON event`, { cause });
  }
  validateEvent(value, what);
  return value;
}
