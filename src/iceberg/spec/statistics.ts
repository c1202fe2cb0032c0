/**
 * Table-level files referenced from metadata (spec "Table Statistics",
 * "Partition Statistics", "Encryption Keys"): Puffin statistics files,
 * partition statistics files and v3 encryption keys. Longs are `bigint`.
 */
import { asObject, intList, optStringMap, optString, reqArray, reqLong, reqString, has } from './json-read.js';

/** Metadata of one blob in a Puffin statistics file. */
export interface BlobMetadata {
  readonly type: string;
  readonly snapshotId: bigint;
  readonly sequenceNumber: bigint;
  /** Field ids the statistic was computed on. */
  readonly fields: readonly number[];
  readonly properties?: Readonly<Record<string, string>>;
}

/** A Puffin statistics file for one snapshot. */
export interface StatisticsFile {
  readonly snapshotId: bigint;
  readonly statisticsPath: string;
  readonly fileSizeInBytes: bigint;
  readonly fileFooterSizeInBytes: bigint;
  /** Base64 key metadata when the file is encrypted. */
  readonly keyMetadata?: string;
  readonly blobMetadata: readonly BlobMetadata[];
}

/** A partition statistics file for one snapshot. */
export interface PartitionStatisticsFile {
  readonly snapshotId: bigint;
  readonly statisticsPath: string;
  readonly fileSizeInBytes: bigint;
}

/** A v3 table encryption key. */
export interface EncryptedKey {
  readonly keyId: string;
  /** Base64 encrypted key and metadata. */
  readonly encryptedKeyMetadata: string;
  readonly encryptedById?: string;
  readonly properties?: Readonly<Record<string, string>>;
}

/** JSON form of a statistics file. */
export function statisticsFileToJson(f: StatisticsFile): Record<string, unknown> {
  return {
    'snapshot-id': f.snapshotId,
    'statistics-path': f.statisticsPath,
    'file-size-in-bytes': f.fileSizeInBytes,
    'file-footer-size-in-bytes': f.fileFooterSizeInBytes,
    ...(f.keyMetadata !== undefined ? { 'key-metadata': f.keyMetadata } : {}),
    'blob-metadata': f.blobMetadata.map((b) => ({
      type: b.type,
      'snapshot-id': b.snapshotId,
      'sequence-number': b.sequenceNumber,
      fields: [...b.fields],
      ...(b.properties !== undefined ? { properties: { ...b.properties } } : {}),
    })),
  };
}

/** Parse a statistics file's JSON form. Throws ValidationError. */
export function statisticsFileFromJson(json: unknown, where = 'statistics file'): StatisticsFile {
  const o = asObject(json, where);
  const keyMetadata = optString(o, 'key-metadata', where);
  return Object.freeze({
    snapshotId: reqLong(o, 'snapshot-id', where),
    statisticsPath: reqString(o, 'statistics-path', where),
    fileSizeInBytes: reqLong(o, 'file-size-in-bytes', where),
    fileFooterSizeInBytes: reqLong(o, 'file-footer-size-in-bytes', where),
    ...(keyMetadata !== undefined ? { keyMetadata } : {}),
    blobMetadata: reqArray(o, 'blob-metadata', where).map((b, i) => {
      const at = `${where} blob ${i}`;
      const bo = asObject(b, at);
      return Object.freeze({
        type: reqString(bo, 'type', at),
        snapshotId: reqLong(bo, 'snapshot-id', at),
        sequenceNumber: reqLong(bo, 'sequence-number', at),
        fields: intList(has(bo, 'fields') ? bo.fields : undefined, `${at} field "fields"`),
        ...(has(bo, 'properties') ? { properties: optStringMap(bo, 'properties', at) } : {}),
      });
    }),
  });
}

/** JSON form of a partition statistics file. */
export function partitionStatisticsFileToJson(f: PartitionStatisticsFile): Record<string, unknown> {
  return { 'snapshot-id': f.snapshotId, 'statistics-path': f.statisticsPath, 'file-size-in-bytes': f.fileSizeInBytes };
}

/** Parse a partition statistics file's JSON form. Throws ValidationError. */
export function partitionStatisticsFileFromJson(json: unknown, where = 'partition statistics file'): PartitionStatisticsFile {
  const o = asObject(json, where);
  return Object.freeze({
    snapshotId: reqLong(o, 'snapshot-id', where),
    statisticsPath: reqString(o, 'statistics-path', where),
    fileSizeInBytes: reqLong(o, 'file-size-in-bytes', where),
  });
}

/** JSON form of an encryption key. */
export function encryptedKeyToJson(k: EncryptedKey): Record<string, unknown> {
  return {
    'key-id': k.keyId,
    'encrypted-key-metadata': k.encryptedKeyMetadata,
    ...(k.encryptedById !== undefined ? { 'encrypted-by-id': k.encryptedById } : {}),
    ...(k.properties !== undefined ? { properties: { ...k.properties } } : {}),
  };
}

/** Parse an encryption key's JSON form. Throws ValidationError. */
export function encryptedKeyFromJson(json: unknown, where = 'encryption key'): EncryptedKey {
  const o = asObject(json, where);
  const encryptedById = optString(o, 'encrypted-by-id', where);
  return Object.freeze({
    keyId: reqString(o, 'key-id', where),
    encryptedKeyMetadata: reqString(o, 'encrypted-key-metadata', where),
    ...(encryptedById !== undefined ? { encryptedById } : {}),
    ...(has(o, 'properties') ? { properties: optStringMap(o, 'properties', where) } : {}),
  });
}
