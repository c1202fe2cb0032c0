/**
 * User-defined functions in an Iceberg REST catalog (`listFunctions`,
 * `loadFunction`): SQL UDFs with overloads (definitions) and versions, as
 * the UDF metadata spec describes them. Read-only, as the REST spec is.
 */
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { checkIdentifier, checkNamespace, identifierToString, namespaceToString, type Namespace, type TableIdentifier } from '../identifier.js';
import type { RestContext } from './context.js';
import { Endpoint } from './endpoints.js';
import type { RestCall } from './errors.js';

const long = z.union([z.number().int(), z.bigint()]);

/** A parameter or return type: an Iceberg type string, or a nested list / map / struct. */
export type FunctionDataType =
  | string
  | { type: 'list'; element: FunctionDataType }
  | { type: 'map'; key: FunctionDataType; value: FunctionDataType }
  | { type: 'struct'; fields: { name: string; type: FunctionDataType }[] };

/** `FunctionDataType` (other fields of nested types are ignored, as the spec says). */
export const FunctionDataTypeSchema: z.ZodType<FunctionDataType> = z.lazy(() =>
  z.union([
    z.string(),
    z.object({ type: z.literal('list'), element: FunctionDataTypeSchema }),
    z.object({ type: z.literal('map'), key: FunctionDataTypeSchema, value: FunctionDataTypeSchema }),
    z.object({ type: z.literal('struct'), fields: z.array(z.object({ name: z.string(), type: FunctionDataTypeSchema })) }),
  ]),
);

/** `FunctionDefinition`. */
const FunctionDefinitionSchema = z.object({
  'definition-id': z.string(),
  'specific-name': z.string().optional(),
  parameters: z.array(z.object({ type: FunctionDataTypeSchema, name: z.string(), doc: z.string().optional() })),
  'return-type': FunctionDataTypeSchema,
  'return-nullable': z.boolean().default(true),
  versions: z.array(
    z.object({
      'version-id': z.number().int(),
      representations: z.array(z.object({ type: z.literal('sql'), dialect: z.string(), sql: z.string() })),
      deterministic: z.boolean().default(false),
      'on-null-input': z.enum(['return-null', 'call']).default('call'),
      'timestamp-ms': long,
    }),
  ),
  'current-version-id': z.number().int(),
  'function-type': z.enum(['udf', 'udtf']),
  doc: z.string().optional(),
});

/** `LoadFunctionResult`. */
export const LoadFunctionResultSchema = z.object({
  'metadata-location': z.string().optional(),
  metadata: z.object({
    'function-uuid': z.string(),
    'format-version': z.literal(1),
    definitions: z.array(FunctionDefinitionSchema),
    'definition-log': z.array(z.object({ 'timestamp-ms': long, 'definition-versions': z.array(z.object({ 'definition-id': z.string(), 'version-id': z.number().int() })) })),
    location: z.string().optional(),
    properties: z.record(z.string(), z.string()).optional(),
    secure: z.boolean().default(false),
    doc: z.string().optional(),
  }),
});

/** `ListFunctionsResponse`: identifiers as namespace levels followed by the name. */
export const ListFunctionsResponseSchema = z.object({
  'next-page-token': z.string().nullish(),
  identifiers: z.array(z.array(z.string()).min(1)).default([]),
});

/** One version of a function definition. */
export interface FunctionVersion {
  versionId: number;
  representations: { type: 'sql'; dialect: string; sql: string }[];
  deterministic: boolean;
  onNullInput: 'return-null' | 'call';
  timestampMs: number;
}

/** One overload of a function. */
export interface FunctionDefinition {
  /** Canonical id from the parameter types, e.g. `int,string`. */
  definitionId: string;
  specificName?: string;
  parameters: { name: string; type: FunctionDataType; doc?: string }[];
  returnType: FunctionDataType;
  returnNullable: boolean;
  functionType: 'udf' | 'udtf';
  versions: FunctionVersion[];
  currentVersionId: number;
  doc?: string;
}

/** A loaded function. */
export interface LoadFunctionResult {
  identifier: TableIdentifier;
  metadataLocation?: string;
  functionUuid: string;
  definitions: FunctionDefinition[];
  location?: string;
  properties: Record<string, string>;
  secure: boolean;
  doc?: string;
}

/** The current version of a definition. */
export function currentFunctionVersion(def: FunctionDefinition): FunctionVersion {
  const v = def.versions.find((x) => x.versionId === def.currentVersionId);
  if (v === undefined) throw new ValidationError(`function definition ${def.definitionId} names current version ${def.currentVersionId}, which it does not contain; the function metadata is corrupt`);
  return v;
}

/** `GET …/namespaces/{ns}/functions`, page by page. */
export async function* listFunctions(ctx: RestContext, ns: Namespace): AsyncIterable<TableIdentifier> {
  checkNamespace(ns);
  const c = await ctx.require(Endpoint.listFunctions, 'functions');
  const call: RestCall = { what: `list functions in namespace ${namespaceToString(ns)}`, target: 'namespace', subject: namespaceToString(ns) };
  yield* ctx.paged(`${ctx.namespacePath(c, ns)}/functions`, {}, call, ListFunctionsResponseSchema, (page) => {
    return { items: page.identifiers.map((levels) => ({ namespace: levels.slice(0, -1), name: levels.at(-1)! })), next: page['next-page-token'] };
  });
}

/** `GET …/namespaces/{ns}/functions/{function}`: every overload in one answer. */
export async function loadFunction(ctx: RestContext, id: TableIdentifier): Promise<LoadFunctionResult> {
  checkIdentifier(id);
  const c = await ctx.require(Endpoint.loadFunction, 'functions');
  const res = await ctx.http.json(
    { method: 'GET', path: ctx.objectPath(c, id, 'functions'), call: { what: `load function ${identifierToString(id)}`, target: 'function', subject: identifierToString(id) }, idempotent: true },
    LoadFunctionResultSchema,
  );
  const m = res.metadata;
  return {
    identifier: id,
    ...(res['metadata-location'] === undefined ? {} : { metadataLocation: res['metadata-location'] }),
    functionUuid: m['function-uuid'],
    definitions: m.definitions.map((d) => ({
      definitionId: d['definition-id'],
      ...(d['specific-name'] === undefined ? {} : { specificName: d['specific-name'] }),
      parameters: d.parameters.map((p) => ({ name: p.name, type: p.type, ...(p.doc === undefined ? {} : { doc: p.doc }) })),
      returnType: d['return-type'],
      returnNullable: d['return-nullable'],
      functionType: d['function-type'],
      versions: d.versions.map((v) => ({
        versionId: v['version-id'],
        representations: v.representations,
        deterministic: v.deterministic,
        onNullInput: v['on-null-input'],
        timestampMs: Number(v['timestamp-ms']),
      })),
      currentVersionId: d['current-version-id'],
      ...(d.doc === undefined ? {} : { doc: d.doc }),
    })),
    ...(m.location === undefined ? {} : { location: m.location }),
    properties: m.properties ?? {},
    secure: m.secure,
    ...(m.doc === undefined ? {} : { doc: m.doc }),
  };
}
