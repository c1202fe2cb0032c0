/**
 * The architecture's import boundaries (ARCHITECTURE.md, boundaries 1 and 2)
 * are ESLint rules in eslint.config.js. These cases lint snippets as if they
 * sat at a given path, so a config change that silently drops a boundary fails here.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './pack.js';

let eslint: ESLint;
beforeAll(() => {
  // The snippets are not on disk, so type-aware rules (which need a program) are switched off.
  eslint = new ESLint({ cwd: REPO, overrideConfig: tseslint.configs.disableTypeChecked });
});

async function boundaryRules(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO}/${filePath}` });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, 'the snippet parses').toEqual([]);
  return [...new Set(result!.messages.map((m) => m.ruleId ?? '').filter((r) => r.startsWith('no-restricted')))].sort();
}

const IMPORTS = 'no-restricted-imports';
const GLOBALS = 'no-restricted-globals';
const SYNTAX = 'no-restricted-syntax';

const NODE_IMPORT = "import { readFile } from 'node:fs/promises';\nexport const f = readFile;";
const BARE_BUILTIN = "import { join } from 'path';\nexport const f = join;";
const AWS = "export { S3Client } from '@aws-sdk/client-s3';";
const SMITHY = "export type { HttpRequest } from '@smithy/types';";
const CDK = "export { Stack } from 'aws-cdk-lib';\nexport { Construct } from 'constructs';";
const CLI = "export { main } from '../cli/main.js';";

describe('web-standard core (boundary 1)', () => {
  it.each([
    ['a node: import', NODE_IMPORT, [IMPORTS]],
    ['a bare built-in', BARE_BUILTIN, [IMPORTS]],
    ['a type-only built-in import', "import type { Readable } from 'stream';\nexport type R = Readable;", [IMPORTS]],
    ['a built-in subpath', "import { setTimeout } from 'timers/promises';\nexport const f = setTimeout;", [IMPORTS]],
    ['a dynamic node: import', "export const load = () => import('node:fs');", [SYNTAX]],
    ['the Buffer global', "export const b = Buffer.from('x');", [GLOBALS]],
    ['Buffer as a type', 'export const b: Buffer | undefined = undefined;', [SYNTAX]],
    ['process', 'export const env = process.env.HOME;', [GLOBALS]],
    ['the NodeJS namespace', 'export type T = NodeJS.Timeout;', [SYNTAX]],
    ['web-standard code', "export const b = new TextEncoder().encode('x');\nexport const h = crypto.subtle;\nexport const s = new ReadableStream();", []],
    ['a relative import', "export { LakeError } from '../errors.js';", []],
  ])('src/zones: %s', async (_what, code, rules) => {
    expect(await boundaryRules('src/zones/bronze.ts', code)).toEqual(rules);
  });

  it.each([
    ['src/io/local.ts', [NODE_IMPORT, BARE_BUILTIN, "export const b = Buffer.from('x');"].join('\n')],
    ['src/io/s3.ts', NODE_IMPORT],
    ['src/io/s3/upload.ts', NODE_IMPORT],
    ['src/infra/zone-buckets.ts', NODE_IMPORT],
    ['src/cli/main.ts', `${NODE_IMPORT}\nexport const argv = process.argv;`],
    ['test/unit/x.test.ts', `${NODE_IMPORT}\nexport const b = Buffer.alloc(1);`],
    ['scripts/x.mjs', `${NODE_IMPORT}\nconsole.log(process.argv);`],
  ])('Node is allowed in %s', async (file, code) => {
    expect(await boundaryRules(file, code)).toEqual([]);
  });

  it('Node stays forbidden in AWS-talking core modules', async () => {
    expect(await boundaryRules('src/catalog/glue/client.ts', NODE_IMPORT)).toEqual([IMPORTS]);
  });
});

describe('AWS SDK, CDK and CLI (boundary 2)', () => {
  it.each([
    ['src/zones/bronze.ts', AWS, [IMPORTS]],
    ['src/zones/bronze.ts', SMITHY, [IMPORTS]],
    ['src/zones/bronze.ts', "export const load = () => import('@aws-sdk/client-s3');", [SYNTAX]],
    ['src/io/local.ts', AWS, [IMPORTS]],
    ['src/cli/main.ts', AWS, [IMPORTS]],
    ['src/io/s3.ts', AWS, []],
    ['src/io/s3/errors.ts', SMITHY, []],
    ['src/catalog/glue/client.ts', "export { GlueClient } from '@aws-sdk/client-glue';", []],
    ['src/classification/protect/kms-tokenizer.ts', "export { KMSClient } from '@aws-sdk/client-kms';", []],
    ['src/classification/detectors/email.ts', "export { KMSClient } from '@aws-sdk/client-kms';", [IMPORTS]],
    ['src/infra/zone-buckets.ts', AWS, []],
  ])('AWS SDK in %s: %s', async (file, code, rules) => {
    expect(await boundaryRules(file, code)).toEqual(rules);
  });

  it.each([
    ['src/zones/bronze.ts', [IMPORTS]],
    ['src/io/s3.ts', [IMPORTS]],
    ['src/cli/commands/infra.ts', [IMPORTS]],
    ['src/infra/data-lake-platform.ts', []],
  ])('aws-cdk-lib and constructs in %s', async (file, rules) => {
    expect(await boundaryRules(file, CDK)).toEqual(rules);
  });

  it.each([
    ['src/zones/bronze.ts', CLI, [IMPORTS]],
    ['src/io/s3/upload.ts', "export { main } from '../../cli/index.js';", [IMPORTS]],
    ['src/infra/network.ts', "export const load = () => import('../cli/main.js');", [SYNTAX]],
    ['src/zones/bronze.ts', "export { client } from './client.js';", []],
    ['src/cli/commands/ingest.ts', "export { main } from '../cli/main.js';", []],
  ])('importing the CLI from %s: %s', async (file, code, rules) => {
    expect(await boundaryRules(file, code)).toEqual(rules);
  });
});
