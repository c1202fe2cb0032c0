import { App, type IPolicyValidationPlugin, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { DataLakePlatform } from './data-lake-platform.js';
import type { DataLakePlatformProps } from './data-lake-platform-props.js';

/** Options of {@link synthPlatform}. */
export interface SynthPlatformOptions {
  /** Stack name. @default 'LakekitPlatform' */
  readonly stackName?: string;
  /** Target account and region. @default - environment-agnostic */
  readonly env?: StackProps['env'];
  /** Validation plugins (e.g. cdk-nag packs) run during synthesis; a finding fails it. */
  readonly plugins?: readonly IPolicyValidationPlugin[];
}

/** What {@link synthPlatform} produced. */
export interface SynthResult {
  readonly app: App;
  readonly stack: Stack;
  readonly platform: DataLakePlatform;
  /** Cloud assembly directory. */
  readonly outDir: string;
  /** Path of the synthesized CloudFormation template. */
  readonly templatePath: string;
}

/**
 * Synthesizes the whole platform into `outDir` (a CDK cloud assembly: the
 * template, asset manifests, bootstrap scripts). For the CLI's `lakekit infra synth`.
 */
export function synthPlatform(props: DataLakePlatformProps, outDir: string, options: SynthPlatformOptions = {}): SynthResult {
  const app = new App({ outdir: outDir });
  const stack = new Stack(app, options.stackName ?? 'LakekitPlatform', { env: options.env, description: 'lakekit EMR data platform' });
  const platform = new DataLakePlatform(stack, 'Platform', props);
  if (options.plugins !== undefined && options.plugins.length > 0) {
    Validations.of(app).addPlugins(...options.plugins);
  }
  const assembly = app.synth();
  return { app, stack, platform, outDir: assembly.directory, templatePath: assembly.getStackByName(stack.stackName).templateFullPath };
}
