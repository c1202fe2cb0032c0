/**
 * The AWS side of `lakekit/classification`: data keys under AWS KMS
 * ({@link KmsKeyring}: envelope encryption, keys stored beside the dataset),
 * Lake Formation LF-tags and Glue column parameters from a classification.
 * This entry loads `@aws-sdk/client-kms`, `client-lakeformation` and
 * `client-glue`; `lakekit/classification` itself loads no AWS SDK.
 *
 * @example
 * ```typescript
 * import { KmsKeyring, applyLfTags } from 'lakekit/classification/aws';
 * const keys = new KmsKeyring({ client: new KMSClient({}), kmsKeyId: 'alias/lake-pii', io, location: 's3://lake/silver/customers/_keys' });
 * await applyLfTags(classification, { client: new LakeFormationClient({}), database: 'silver', table: 'customers' });
 * ```
 *
 * @module
 */
export { KmsKeyring, type KmsKeyringOptions } from './kms-keyring.js';
export { applyGlueColumnParameters, applyLfTags, DEFAULT_LF_TAG_KEYS, type GlueParameterOptions, type LfTagOptions, type LfTagReport } from './lake-formation.js';
export { awsError } from './errors.js';
