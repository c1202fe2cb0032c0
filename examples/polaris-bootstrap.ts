/**
 * Bootstrap Apache Polaris for the lake: one catalog per environment with the
 * bronze/silver/gold namespaces, the data_engineer / analyst / auditor roles
 * and their grants. Idempotent: a re-run creates nothing and reports what it
 * found; drift (another base location, extra grants) is reported, never
 * changed.
 *
 *   POLARIS_URI=https://polaris.internal POLARIS_CLIENT_ID=root POLARIS_CLIENT_SECRET=… \
 *   LAKE_ENVIRONMENTS=dev,prod LAKE_BUCKET_PREFIX=datax \
 *   LAKE_ROLE_ARN_PREFIX=arn:aws:iam::123456789012:role/polaris- \
 *   npx tsx examples/polaris-bootstrap.ts
 *
 * Optional: POLARIS_REALM (the Polaris-Realm header), AWS_REGION.
 * Exit codes: 0 done, 2 missing configuration or a failed request.
 */
import { pathToFileURL } from 'node:url';
import { OAuth2ClientCredentials, PolarisAdmin, type BootstrapOptions } from '../src/catalog/index.js';
import { isLakeError } from '../src/errors.js';
import { Secret } from '../src/secret.js';

/** Run the bootstrap with settings from `env`; resolves to the exit code. */
export async function main(env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const missing = ['POLARIS_URI', 'POLARIS_CLIENT_ID', 'POLARIS_CLIENT_SECRET', 'LAKE_ROLE_ARN_PREFIX'].filter((k) => (env[k] ?? '') === '');
  if (missing.length > 0) {
    console.error(`polaris-bootstrap: set ${missing.join(', ')} (see the header of examples/polaris-bootstrap.ts)`);
    return 2;
  }
  const uri = env.POLARIS_URI!.replace(/\/+$/, '');
  const headers: Record<string, string> = env.POLARIS_REALM === undefined ? {} : { 'Polaris-Realm': env.POLARIS_REALM };
  const auth = new OAuth2ClientCredentials({
    tokenEndpoint: `${uri}/api/catalog/v1/oauth/tokens`,
    clientId: env.POLARIS_CLIENT_ID!,
    clientSecret: new Secret(env.POLARIS_CLIENT_SECRET!),
    scope: 'PRINCIPAL_ROLE:ALL',
    headers,
  });
  const admin = new PolarisAdmin({ uri, auth, headers });
  const prefix = env.LAKE_BUCKET_PREFIX ?? 'datax';
  const layout: BootstrapOptions = {
    environments: (env.LAKE_ENVIRONMENTS ?? 'dev').split(',').map((name) => ({
      catalog: `${prefix}_${name.trim()}`,
      baseLocation: `s3://${prefix}-${name.trim()}-lake/warehouse/`,
      storage: {
        storageType: 'S3' as const,
        roleArn: `${env.LAKE_ROLE_ARN_PREFIX!}${name.trim()}`,
        allowedLocations: [`s3://${prefix}-${name.trim()}-lake/`],
        ...(env.AWS_REGION === undefined ? {} : { region: env.AWS_REGION }),
      },
    })),
  };
  try {
    const report = await admin.bootstrap(layout);
    console.log(`created ${report.created.length}, found ${report.found.length}, warnings ${report.warnings.length}`);
    for (const line of report.warnings) console.log(`  ! ${line}`);
    return 0;
  } catch (e) {
    // Messages never carry the client secret (it is a Secret); print one line.
    console.error(`polaris-bootstrap: ${isLakeError(e) || e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
