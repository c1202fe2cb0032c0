/** `lakekit catalog ls|describe`: what the lake's catalog holds. */
import type { Namespace } from '../../catalog/identifier.js';
import { identifierToString, namespaceToString, tableIdentifier } from '../../catalog/identifier.js';
import { formatTransform } from '../../iceberg/spec/transforms.js';
import { typeToString } from '../../iceberg/spec/types.js';
import { Table } from '../../iceberg/table/table.js';
import { textTable } from '../format.js';
import { openCliLake } from '../lake.js';
import type { Registrar } from '../main.js';

export function registerCatalogCommands({ program, action }: Registrar): void {
  const catalog = program.command('catalog').description('list and describe namespaces and tables in the lake catalog');
  catalog
    .command('ls')
    .argument('[namespace]', 'namespace to list (dotted); default: every namespace')
    .description('list namespaces and their tables')
    .addHelpText('after', '\nExample:\n  $ lakekit catalog ls gold')
    .action(
      action(async (ctx, namespace?: string) => {
        const lake = await openCliLake(ctx);
        const namespaces: Namespace[] = [];
        if (namespace !== undefined) namespaces.push(namespace.split('.'));
        else for await (const ns of lake.catalog.listNamespaces()) namespaces.push(ns);
        const out: { namespace: string; tables: string[] }[] = [];
        for (const ns of namespaces) {
          const tables: string[] = [];
          for await (const id of lake.catalog.listTables(ns)) tables.push(identifierToString(id));
          out.push({ namespace: namespaceToString(ns), tables: tables.sort() });
        }
        ctx.result(out, () => (out.length === 0 ? 'the catalog is empty; run `lakekit demo` or `lakekit promote`' : out.map((n) => `${n.namespace}/\n${n.tables.map((t) => `  ${t}`).join('\n')}`).join('\n')));
      }),
    );
  catalog
    .command('describe')
    .argument('<table>', 'table identifier, e.g. gold.daily_kpis')
    .description('schema, partitioning, properties and current snapshot of a table')
    .addHelpText('after', '\nExample:\n  $ lakekit catalog describe gold.daily_kpis')
    .action(
      action(async (ctx, name: string) => {
        const lake = await openCliLake(ctx);
        const table = await Table.load(lake.catalog, tableIdentifier(name));
        const m = table.metadata;
        const snap = table.currentSnapshot();
        const doc = {
          table: name,
          location: m.location,
          formatVersion: m.formatVersion,
          schema: table.schema().fields.map((f) => ({ id: f.id, name: f.name, type: typeToString(f.type), required: f.required, doc: f.doc })),
          partitionSpec: table.spec().fields.map((f) => ({ name: f.name, sourceId: f.sourceId, transform: formatTransform(f.transform) })),
          properties: m.properties,
          currentSnapshot: snap === undefined ? null : { snapshotId: snap.snapshotId, timestampMs: snap.timestampMs, summary: snap.summary },
        };
        ctx.result(doc, () =>
          [
            `${ctx.style('bold', name)}  (format v${m.formatVersion})  ${m.location}`,
            '',
            textTable(['id', 'column', 'type', 'required'], doc.schema.map((c) => [c.id, c.name, c.type, c.required ? 'yes' : ''])),
            '',
            `partitioned by: ${doc.partitionSpec.length === 0 ? '(none)' : doc.partitionSpec.map((p) => `${p.transform}(${table.schema().fields.find((f) => f.id === p.sourceId)?.name ?? p.sourceId})`).join(', ')}`,
            `current snapshot: ${snap === undefined ? '(none)' : `${snap.snapshotId} at ${new Date(snap.timestampMs).toISOString()} — ${snap.summary?.['total-records'] ?? '?'} records in ${snap.summary?.['total-data-files'] ?? '?'} files`}`,
          ].join('\n'),
        );
      }),
    );
}
