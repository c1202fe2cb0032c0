/**
 * The Polaris management OpenAPI spec as JSON Schema for ajv (draft 2019-09).
 *
 * OpenAPI 3.0 differs from JSON Schema in ways that matter here, converted as follows:
 * - `discriminator` on a base schema (with subtypes that `allOf` the base) becomes
 *   `Base = allOf[Base__base, if type=X then Subtype…]`, and subtypes refer to `Base__base`,
 *   so validation dispatches on the discriminator without recursing;
 * - `nullable: true` becomes a `null` type alternative;
 * - OpenAPI-only keywords (`example`, `x-*`) are dropped;
 * - stricter than the spec: wherever a schema is used as a whole value (a request body, a
 *   property, an array item) `unevaluatedProperties: false` is added, so a field name the spec
 *   does not define (a typo) fails instead of being ignored.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsImport from 'ajv-formats';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../../../..');
export const SPEC_PATH = join(ROOT, '../shared/specs/polaris/polaris-management-service.yml');

type Json = Record<string, unknown>;

export interface Operation {
  operationId: string;
  method: string;
  template: string;
  regex: RegExp;
  pathParams: string[];
  params: Json[];
  requestSchema?: Json;
  requestRequired: boolean;
  responses: Record<string, Json | undefined>;
}

/** The raw spec (yaml parsed). */
export function loadSpec(): Json {
  return parse(readFileSync(SPEC_PATH, 'utf8')) as Json;
}

const REF = '#/components/schemas/';

function convertComponents(schemas: Record<string, Json>): Record<string, Json> {
  const bases = new Set(Object.entries(schemas).filter(([, s]) => s.discriminator !== undefined).map(([n]) => n));
  const out: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const body = walk(schema, false, bases, true) as Json;
    if (bases.has(name)) {
      const d = schema.discriminator as { propertyName: string; mapping: Record<string, string> };
      const { discriminator: _d, ...base } = body;
      out[`${name}__base`] = base;
      out[name] = {
        allOf: [
          { $ref: `${REF}${name}__base` },
          ...Object.entries(d.mapping).map(([value, ref]) => ({
            if: { properties: { [d.propertyName]: { const: value } }, required: [d.propertyName] },
            then: { $ref: ref },
          })),
        ],
      };
    } else out[name] = body;
  }
  return out;
}

/** Convert one schema; `strict` when it is used as a whole value (not as an allOf/if/then part). */
function walk(node: unknown, strict: boolean, bases: Set<string>, top = false): unknown {
  if (Array.isArray(node)) return node.map((n) => walk(n, strict, bases));
  if (typeof node !== 'object' || node === null) return node;
  const s = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'example' || k.startsWith('x-')) continue;
    if (k === 'properties' && typeof v === 'object' && v !== null) {
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, sub]) => [p, walk(sub, true, bases)]));
    } else if (k === 'items' || k === 'additionalProperties') {
      out[k] = typeof v === 'object' ? walk(v, true, bases) : v;
    } else if (k === 'allOf') {
      out.allOf = (v as Json[]).map((sub) => {
        const ref = sub.$ref as string | undefined;
        if (ref !== undefined && !top) return walk(sub, false, bases);
        if (ref !== undefined && bases.has(ref.slice(REF.length))) return { $ref: `${ref}__base` };
        return walk(sub, false, bases);
      });
    } else out[k] = v;
  }
  if (s.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
  }
  const isObject = out.$ref !== undefined || out.properties !== undefined || out.allOf !== undefined;
  if (strict && isObject && out.additionalProperties === undefined) out.unevaluatedProperties = false;
  return out;
}

/** ajv loaded with the converted spec; `validator(schema)` compiles a schema that may `$ref` the spec. */
export function specValidator(): { ajv: Ajv2019; validator: (schema: Json) => ValidateFunction; component: (name: string) => ValidateFunction } {
  const spec = loadSpec();
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (a: Ajv2019) => Ajv2019;
  addFormats(ajv);
  const components = convertComponents((spec.components as { schemas: Record<string, Json> }).schemas);
  ajv.addSchema({ $id: 'polaris.json', components: { schemas: components } });
  const fix = (schema: Json) => JSON.parse(JSON.stringify(walk(schema, true, new Set())).replaceAll(`"${REF}`, `"polaris.json${REF}`)) as Json;
  const cache = new Map<string, ValidateFunction>();
  const validator = (schema: Json) => {
    const key = JSON.stringify(schema);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const v = ajv.compile(fix(schema));
    cache.set(key, v);
    return v;
  };
  return { ajv, validator, component: (name) => validator({ $ref: `${REF}${name}` }) };
}

/** Every operation of the spec, with a regex for its path. */
export function operations(): Operation[] {
  const spec = loadSpec();
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths as Record<string, Json>)) {
    const shared = (item.parameters as Json[] | undefined) ?? [];
    for (const method of ['get', 'put', 'post', 'delete']) {
      const op = item[method] as Json | undefined;
      if (op === undefined) continue;
      const pathParams: string[] = [];
      const regex = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, p: string) => (pathParams.push(p), '([^/]+)'))}$`);
      const rb = op.requestBody as { required?: boolean; content: { 'application/json': { schema: Json } } } | undefined;
      const responses: Record<string, Json | undefined> = {};
      for (const [code, r] of Object.entries(op.responses as Record<string, Json>)) {
        responses[code] = (r.content as { 'application/json'?: { schema: Json } } | undefined)?.['application/json']?.schema;
      }
      ops.push({
        operationId: op.operationId as string,
        method: method.toUpperCase(),
        template,
        regex,
        pathParams,
        params: [...shared, ...((op.parameters as Json[] | undefined) ?? [])],
        ...(rb === undefined ? {} : { requestSchema: rb.content['application/json'].schema }),
        requestRequired: rb?.required === true,
        responses,
      });
    }
  }
  return ops;
}
