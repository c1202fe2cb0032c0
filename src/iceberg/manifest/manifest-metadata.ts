/**
 * A manifest's key-value metadata (spec "Manifest Metadata"): the table
 * schema and partition spec it was written with, the format version and
 * whether it holds data or delete files.
 */
import { ValidationError } from '../../errors.js';
import type { AvroFileReader } from '../../formats/avro/index.js';
import { parseJson } from '../../internal/json.js';
import { writeJson } from '../spec/json-write.js';
import type { FormatVersion } from '../spec/metadata.js';
import type { PartitionSpec } from '../spec/partition.js';
import { partitionFieldsFromJson, partitionFieldsToJson } from '../spec/partition.js';
import type { Schema } from '../spec/schema.js';
import { schemaFromJson, schemaToJson } from '../spec/schema.js';
import { ManifestContent } from './types.js';

/** What a manifest's metadata says about it. Old v1 manifests may lack everything but the schema and spec. */
export interface ManifestMetadata {
  formatVersion?: FormatVersion;
  /** The table schema when the manifest was written. */
  schema?: Schema;
  /** The partition spec the manifest was written with (spec id 0 when the metadata has none). */
  partitionSpec?: PartitionSpec;
  content: ManifestContent;
}

/** The metadata entries a manifest writer stores. */
export function manifestMetadataEntries(formatVersion: FormatVersion, schema: Schema, spec: PartitionSpec, content: ManifestContent): Record<string, string> {
  const meta: Record<string, string> = {
    schema: writeJson(schemaToJson(schema)),
    'schema-id': String(schema.schemaId),
    'partition-spec': writeJson(partitionFieldsToJson(spec)),
    'partition-spec-id': String(spec.specId),
    'format-version': String(formatVersion),
  };
  if (formatVersion > 1) meta.content = content === ManifestContent.Deletes ? 'deletes' : 'data';
  return meta;
}

function intText(text: string | undefined, key: string, where: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d{1,10}$/.test(text.trim())) throw new ValidationError(`${where}: metadata ${key} is ${JSON.stringify(text.slice(0, 20))}, not an integer; the manifest is corrupt`);
  return Number(text.trim());
}

/**
 * Parse a manifest's metadata from its Avro header. Throws ValidationError
 * when an entry is present but malformed.
 */
export function manifestMetadataFromHeader(reader: AvroFileReader, where: string): ManifestMetadata {
  const version = intText(reader.metadataString('format-version'), 'format-version', where);
  if (version !== undefined && version !== 1 && version !== 2 && version !== 3) {
    throw new ValidationError(`${where}: format-version ${version} is not supported; lakekit reads manifests of format v1 to v3`);
  }
  const content = reader.metadataString('content');
  if (content !== undefined && content !== 'data' && content !== 'deletes') {
    throw new ValidationError(`${where}: content ${JSON.stringify(content.slice(0, 20))} is neither "data" nor "deletes"; the manifest is corrupt`);
  }
  const meta: ManifestMetadata = { content: content === 'deletes' ? ManifestContent.Deletes : ManifestContent.Data };
  if (version !== undefined) meta.formatVersion = version as FormatVersion;
  const schemaText = reader.metadataString('schema');
  if (schemaText !== undefined) meta.schema = schemaFromJson(parseJson(schemaText, `${where} schema`), `${where} schema`);
  const specText = reader.metadataString('partition-spec');
  if (specText !== undefined) {
    const specId = intText(reader.metadataString('partition-spec-id'), 'partition-spec-id', where) ?? 0;
    meta.partitionSpec = partitionFieldsFromJson(parseJson(specText, `${where} partition-spec`), specId, `${where} partition-spec`);
  }
  return meta;
}
