import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLakeError, ValidationError } from '../../../src/errors.js';
import { MemoryFileIO } from '../../../src/io/memory.js';
import { DEFAULT_BRONZE_RETENTION_DAYS, openLake, parseLakeConfig, resolveLakeConfig, resolveZoneRoots } from '../../../src/zones/index.js';
import { FileIORegistry } from '../../../src/io/registry.js';

describe('lake configuration', () => {
  it('fills a working local lake under ./lake when nothing is configured', () => {
    const c = resolveLakeConfig();
    expect(c.zones.bronze.root).toBe('./lake/bronze');
    expect(c.zones.gold.root).toBe('./lake/gold');
    expect(c.zones.bronze.retention).toEqual({ days: DEFAULT_BRONZE_RETENTION_DAYS });
    expect(c.catalog).toEqual({ type: 'filesystem' });
    expect(c.partitioning.silver).toEqual(['domain', 'date']);
    const abs = resolveZoneRoots(c, '/srv/etl');
    expect(abs.zones.silver.root).toBe('file:///srv/etl/lake/silver');
  });

  it('reads YAML with zone roots, KMS keys, object lock, a REST catalog and partitioning', () => {
    const c = parseLakeConfig(`
name: acme
zones:
  bronze:
    root: s3://acme-raw/bronze
    kmsKeyId: alias/bronze
    retention: { days: 2557, objectLock: COMPLIANCE }
  silver: { root: s3://acme-lake/silver, kmsKeyId: alias/silver }
catalog:
  type: rest
  uri: https://polaris.internal/api/catalog
  warehouse: acme
  credential: client:s3cr3t
partitioning:
  silver: [domain, date]
  gold: { source: ts, transform: day }
`);
    expect(c.name).toBe('acme');
    expect(c.zones.bronze).toEqual({ root: 's3://acme-raw/bronze', kmsKeyId: 'alias/bronze', retention: { days: 2557, objectLock: 'COMPLIANCE' } });
    expect(c.zones.gold.root).toBe('./lake/gold');
    expect(c.catalog.type).toBe('rest');
    // The credential is a Secret: it never prints.
    expect(JSON.stringify(c)).not.toContain('s3cr3t');
    expect(c.catalog.type === 'rest' && c.catalog.credential?.reveal()).toBe('client:s3cr3t');
    expect(c.partitioning.gold).toEqual({ source: 'ts', transform: 'day' });
  });

  it('reads the same configuration from JSON', () => {
    const c = parseLakeConfig(JSON.stringify({ root: 's3://b/lake', catalog: { type: 'glue', catalogId: '123456789012' } }), 'lakekit.config.json');
    expect(c.zones.silver.root).toBe('s3://b/lake/silver');
    expect(c.catalog).toEqual({ type: 'glue', catalogId: '123456789012' });
  });

  it('names the line, column and key of every invalid value', () => {
    const text = 'zones:\n  bronze:\n    root: s3://b/raw\n    retention:\n      days: -3\n  silver:\n    rooot: x\ncatalog:\n  type: rest\n  uri: ftp://nope\n';
    const e = (() => {
      try {
        parseLakeConfig(text, 'lakekit.config.yaml');
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(ValidationError);
    const msg = (e as Error).message;
    expect(msg).toContain('lakekit.config.yaml');
    expect(msg).toMatch(/line 5, column 13: zones\.bronze\.retention\.days/);
    expect(msg).toMatch(/line 7, column \d+: zones\.silver/);
    expect(msg).toMatch(/rooot/);
    expect(msg).toMatch(/line 10, column 8: catalog\.uri/);
    expect((e as ValidationError).context['problems']).toContainEqual({ key: 'zones.bronze.retention.days', line: 5 });
  });

  it('reports YAML syntax errors with their line', () => {
    expect(() => parseLakeConfig('zones:\n  bronze: [unclosed\n')).toThrow(/line \d+, column \d+/);
    expect(() => parseLakeConfig('a: 1\na: 2\n')).toThrow(ValidationError);
  });

  it('any text either parses or fails with ValidationError (fuzz)', { timeout: 30_000 }, () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom('zones:\n  gold:\n    root: ', 'catalog: {type: rest}', '- 1\n- 2', 'root: 5', '*a', 'a: &x [*x, *x]')), (text) => {
        try {
          parseLakeConfig(text);
        } catch (e) {
          expect(isLakeError(e, 'VALIDATION')).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('opens one FileIO per zone with its KMS key, and the embedded catalog by default', async () => {
    const seen: [string, string, Record<string, string>][] = [];
    const io = new MemoryFileIO();
    const lake = await openLake(
      { root: 'memory://lake', zones: { bronze: { kmsKeyId: 'alias/raw' } } },
      { fileIO: (zone, root, props) => (seen.push([zone, root, { ...props }]), io) },
    );
    expect(seen).toEqual([
      ['bronze', 'memory://lake/bronze', { 's3.sse.type': 'kms', 's3.sse.key': 'alias/raw' }],
      ['silver', 'memory://lake/silver', {}],
      ['gold', 'memory://lake/gold', {}],
    ]);
    expect(lake.bronze.location('a/b')).toBe('memory://lake/bronze/a/b');
    await lake.catalog.createNamespace(['gold']);
    expect(await io.exists('memory://lake/gold/warehouse/gold/.lakekit-namespace.json')).toBe(true);
  });

  it('opens zones through a FileIORegistry, refuses relative roots there, and needs a factory for REST', async () => {
    const registry = new FileIORegistry();
    const lake = await openLake({ root: 'memory://r' }, { fileIO: registry });
    expect(lake.silver.root).toBe('memory://r/silver');
    await expect(openLake(undefined, { fileIO: registry })).rejects.toThrow(/resolveZoneRoots/);
    await expect(openLake({ root: 'memory://r', catalog: { type: 'rest', uri: 'https://x/api' } }, { fileIO: registry })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});
