// ESLint flat config. Besides the recommended JS/TS rules it enforces the
// architecture's boundaries (ARCHITECTURE.md, boundaries 1 and 2) as import
// rules, so a stray `node:fs`, `Buffer`, AWS SDK or CDK import in the wrong
// module fails `npm run lint`, not a notebook user.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What a module may be forbidden to import. Each kind is one regex over the
 * import specifier plus the message a developer sees.
 */
const KIND = {
  node: {
    regex: `^(?:node:.*|${[...new Set(builtinModules.filter((m) => !m.startsWith('_')))].map(escape).join('|')})$`,
    message: 'Node built-ins are allowed only in src/io/local.ts, src/io/s3.ts, src/infra/** and src/cli/** (ARCHITECTURE.md boundary 1: web-standard core). Use fetch, Web Crypto, Uint8Array and web streams, or take a FileIO.',
  },
  aws: {
    regex: '^@(?:aws-sdk|smithy)/',
    message: 'AWS SDK clients are loaded only by the modules that talk to AWS (src/io/s3*, src/catalog/glue/**, src/catalog/rest/**sigv4*, src/classification/aws/** and **kms**, src/infra/**; ARCHITECTURE.md boundary 2). Take a FileIO or client as a parameter instead.',
  },
  cdk: {
    regex: '^(?:aws-cdk-lib|constructs)(?:/|$)',
    message: 'aws-cdk-lib and constructs are optional peers loaded only by src/infra/** (lakekit/infra; ARCHITECTURE.md boundary 2).',
  },
  cli: {
    regex: '^(?:(?:\\.\\.?/)+(?:.*/)?cli(?:/|\\.js$|$)|lakekit/cli(?:/|$))',
    message: 'Nothing imports the CLI (src/cli/**) except the CLI itself; move shared code into the library module it belongs to.',
  },
};

/** Node-only globals that the web-standard core must not touch (boundary 1). */
const NODE_GLOBALS = ['Buffer', 'process', 'global', '__dirname', '__filename', 'require', 'setImmediate', 'clearImmediate'].map((name) => ({
  name,
  message: `'${name}' is Node-only; the core is web-standard (ARCHITECTURE.md boundary 1). Use Uint8Array/TextEncoder, globalThis, queueMicrotask/setTimeout, or move this code to a Node-only entry.`,
}));

/** Rules that forbid the given import kinds (static, re-export, `import()` and `require()`). */
function forbid(kinds, { nodeGlobals = false } = {}) {
  const selected = kinds.map((k) => KIND[k]);
  const rules = {
    'no-restricted-imports': ['error', { patterns: selected.map(({ regex, message }) => ({ regex, message })) }],
    'no-restricted-syntax': [
      'error',
      ...selected.flatMap(({ regex, message }) => {
        // esquery ends a regex at the first '/', so spell it as an escape.
        const re = `/${regex.replaceAll('/', '\\x2F')}/`;
        return [
          { selector: `ImportExpression[source.value=${re}]`, message },
          { selector: `CallExpression[callee.name='require'][arguments.0.value=${re}]`, message },
        ];
      }),
    ],
  };
  if (nodeGlobals) {
    rules['no-restricted-globals'] = ['error', ...NODE_GLOBALS];
    // Type positions are not global references; catch `Buffer` and `NodeJS.*` there too.
    rules['no-restricted-syntax'].push(
      { selector: "TSTypeReference > Identifier.typeName[name='Buffer']", message: NODE_GLOBALS[0].message },
      { selector: "TSQualifiedName > Identifier.left[name='NodeJS']", message: "The NodeJS namespace is Node-only; the core is web-standard (ARCHITECTURE.md boundary 1)." },
    );
  } else {
    rules['no-restricted-globals'] = 'off';
  }
  return rules;
}

// Edges where a capability is allowed. A file's restrictions come from the
// last block below whose `files` match it, so the blocks are disjoint refinements of `src/**`.
const LOCAL_EDGE = ['src/io/local.ts', 'src/io/local/**'];
const S3_EDGE = ['src/io/s3.ts', 'src/io/s3/**'];
const AWS_CORE = ['src/catalog/glue/**', 'src/catalog/rest/**/*sigv4*', 'src/classification/aws/**', 'src/classification/**/*kms*', 'src/classification/**/*kms*/**', 'src/lineage/**/*aws*'];
const INFRA = ['src/infra/**'];
const CLI = ['src/cli/**'];

const TS = '**/*.{ts,mts,cts}';
const JS = '**/*.{js,mjs,cjs}';

export default defineConfig(
  {
    ignores: ['dist/**', 'coverage/**', '.cache/**', 'node_modules/**', 'lakekit-demo/**', 'lake/**', 'bench/out/**', '**/*.d.ts'],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: [TS, JS],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // Scripts, configs, tests, benches, examples run under Node (and Deno for runtime fixtures).
  {
    files: [JS, 'test/**', 'scripts/**', 'bench/**', 'examples/**', '*.config.ts'],
    languageOptions: { globals: { ...globals.node, Deno: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // A few type-aware rules where they pay most: promises in library code
  // (a forgotten await loses a write or a commit).
  {
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },

  // ── Boundaries (src only; tests, scripts and benches may use Node freely) ──
  { files: ['src/**'], rules: forbid(['node', 'aws', 'cdk', 'cli'], { nodeGlobals: true }) },
  { files: AWS_CORE, rules: forbid(['node', 'cdk', 'cli'], { nodeGlobals: true }) },
  { files: LOCAL_EDGE, rules: forbid(['aws', 'cdk', 'cli']) },
  { files: S3_EDGE, rules: forbid(['cdk', 'cli']) },
  { files: INFRA, rules: forbid(['cli']) },
  { files: CLI, rules: forbid(['aws', 'cdk']) },
);
