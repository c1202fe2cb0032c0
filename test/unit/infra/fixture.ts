/** Props every infra test synthesizes the platform with (placeholders: nothing is deployed). */
import type { DataLakePlatformProps } from '../../../src/infra/index.js';

export const TEST_PLATFORM_PROPS: DataLakePlatformProps = {
  emr: {
    catalog: { uri: 'https://polaris.internal.example.com/api/catalog', warehouse: 'lake' },
    tlsCertificatesS3Uri: 's3://example-emr-tls/certs.zip',
  },
  loadBalancer: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000' },
};

/** Region the test stacks are pinned to (the platform needs a concrete one). */
export const TEST_ENV = { region: 'us-east-1' } as const;
