/**
 * Instances of the Polaris spec's schemas, built from the spec itself:
 * - {@link exampleInstances}: one instance per discriminator variant, every property present,
 *   using the spec's `example` values where they fit the property's type (the spec has no
 *   whole-response examples, only per-property ones);
 * - {@link arbitraryOf}: a fast-check arbitrary of valid instances (optional properties
 *   sometimes absent, random strings within the declared bounds and patterns).
 */
import fc from 'fast-check';
import { loadSpec } from './spec.js';

type Json = Record<string, unknown>;
const REF = '#/components/schemas/';
const schemas = (loadSpec().components as { schemas: Record<string, Json> }).schemas;

const resolve = (ref: string): [string, Json] => {
  const name = ref.slice(REF.length);
  return [name, schemas[name]!];
};

interface Discriminator {
  propertyName: string;
  mapping: Record<string, string>;
}

function fits(example: unknown, schema: Json): boolean {
  switch (schema.type) {
    case 'string':
      return typeof example === 'string';
    case 'array':
      return Array.isArray(example);
    case 'boolean':
      return typeof example === 'boolean';
    case 'integer':
      return Number.isInteger(example);
    default:
      return false;
  }
}

/** Every variant of a schema with all properties filled. */
export function exampleInstances(schema: Json, skipDiscriminator = false): unknown[] {
  if (schema.$ref !== undefined) {
    const [, target] = resolve(schema.$ref as string);
    return exampleInstances(target);
  }
  const d = schema.discriminator as Discriminator | undefined;
  if (d !== undefined && !skipDiscriminator) {
    return Object.entries(d.mapping).flatMap(([value, ref]) => exampleInstances(resolve(ref)[1], true).map((i) => ({ ...(i as Json), [d.propertyName]: value })));
  }
  if (schema.allOf !== undefined) {
    let acc: Json[] = [{}];
    for (const part of schema.allOf as Json[]) {
      const ref = part.$ref as string | undefined;
      const variants = ref !== undefined && (resolve(ref)[1].discriminator as unknown) !== undefined ? exampleInstances(resolve(ref)[1], true) : exampleInstances(part);
      acc = acc.flatMap((a) => variants.map((v) => ({ ...a, ...(v as Json) })));
    }
    const own = schema.properties === undefined ? [{}] : exampleInstances({ type: 'object', properties: schema.properties });
    return acc.flatMap((a) => own.map((o) => ({ ...a, ...(o as Json) })));
  }
  if (schema.example !== undefined && fits(schema.example, schema)) return [schema.example];
  if (schema.enum !== undefined) return [(schema.enum as unknown[])[0]];
  switch (schema.type) {
    case 'string':
      return [schema.format === 'password' ? 'example-secret-value' : 'example'];
    case 'integer':
      return [1_732_000_000_000];
    case 'boolean':
      return [(schema.default as boolean | undefined) ?? true];
    case 'array':
      return [exampleInstances(schema.items as Json).slice(0, 2)];
  }
  // object
  let acc: Json[] = [{}];
  for (const [name, sub] of Object.entries((schema.properties as Record<string, Json> | undefined) ?? {})) {
    const values = exampleInstances(sub);
    acc = acc.flatMap((a) => values.slice(0, 4).map((v) => ({ ...a, [name]: v })));
  }
  if (typeof schema.additionalProperties === 'object') acc = acc.map((a) => ({ ...a, 'extra.key': 'value' }));
  return acc;
}

const stringArb = (schema: Json): fc.Arbitrary<string> => {
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = Math.min((schema.maxLength as number | undefined) ?? 24, 24);
  const base = fc.string({ minLength: Math.max(min, 0), maxLength: Math.max(max, min) });
  if (typeof schema.pattern !== 'string') return base;
  const re = new RegExp(schema.pattern as string, 'u');
  return base.filter((s) => re.test(s));
};

/** Valid instances of a schema. */
export function arbitraryOf(schema: Json, skipDiscriminator = false): fc.Arbitrary<unknown> {
  if (schema.$ref !== undefined) return fc.constant(null).chain(() => arbitraryOf(resolve(schema.$ref as string)[1]));
  const d = schema.discriminator as Discriminator | undefined;
  if (d !== undefined && !skipDiscriminator) {
    return fc.oneof(...Object.entries(d.mapping).map(([value, ref]) => arbitraryOf(resolve(ref)[1], true).map((i) => ({ ...(i as Json), [d.propertyName]: value }))));
  }
  if (schema.allOf !== undefined) {
    const parts = (schema.allOf as Json[]).map((part) => {
      const ref = part.$ref as string | undefined;
      return ref !== undefined && (resolve(ref)[1].discriminator as unknown) !== undefined ? arbitraryOf(resolve(ref)[1], true) : arbitraryOf(part);
    });
    if (schema.properties !== undefined) parts.push(arbitraryOf({ type: 'object', properties: schema.properties, required: schema.required }));
    return fc.tuple(...parts).map((xs) => Object.assign({}, ...(xs as Json[])) as Json);
  }
  if (schema.enum !== undefined) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return fc.integer({ min: 0, max: 2 ** 42 });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbitraryOf(schema.items as Json), { maxLength: 3 });
  }
  const props = (schema.properties as Record<string, Json> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const record = fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryOf(v)])), { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
  if (typeof schema.additionalProperties !== 'object') return record;
  const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !(k in props)), fc.string({ maxLength: 8 }), { maxKeys: 3 });
  return fc.tuple(extra, record).map(([e, r]) => ({ ...e, ...r }));
}
