import { defineConfig } from 'tsup';

// One entry per subpath export. Code splitting stays on so shared modules
// (errors above all) exist once, keeping one class identity across subpaths.
export const entries = {
  index: 'src/index.ts',
  'io/index': 'src/io/index.ts',
  'io/local': 'src/io/local.ts',
  'io/s3': 'src/io/s3.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  external: ['aws-cdk-lib', 'constructs', /^@aws-sdk\//, /^@smithy\//, /^node:/],
});
