/** `lakekit ingest <file|dir> --source <system>`: land files in bronze, byte for byte, with a manifest. */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { BronzeWriter, describeWithReaders } from '../../zones/index.js';
import { CliUsageError } from '../context.js';
import { bytes, textTable } from '../format.js';
import { openCliLake } from '../lake.js';
import type { Registrar } from '../main.js';

async function filesUnder(path: string): Promise<string[]> {
  if (statSync(path).isFile()) return [path];
  const out: string[] = [];
  for (const e of await readdir(path, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

export function registerIngestCommand({ program, action }: Registrar): void {
  program
    .command('ingest')
    .argument('<file|dir>', 'a file, or a directory whose files (recursively) form one batch')
    .requiredOption('-s, --source <system>', 'the source system the files come from (crm, core-banking, dms/orders…)')
    .option('-b, --batch-id <id>', 'batch id (re-sending the same batch id with the same files is a no-op)')
    .description('ingest files into the bronze zone, unchanged, with SHA-256s and an ingestion manifest')
    .addHelpText('after', '\nExample:\n  $ lakekit ingest ./exports/2026-11-22 --source core-banking\n\nA file whose content this source already sent is reported as a duplicate and not stored again.')
    .action(
      action(async (ctx, arg: string, opts: { source: string; batchId?: string }) => {
        const path = resolve(ctx.cwd, arg);
        if (!existsSync(path)) throw new CliUsageError(`${arg} does not exist; give a file or a directory of files`);
        const paths = await filesUnder(path);
        if (paths.length === 0) throw new CliUsageError(`${arg} holds no files to ingest`);
        const lake = await openCliLake(ctx);
        const bronze = new BronzeWriter({ root: lake.bronze.root, io: lake.bronze.io, describe: describeWithReaders(), ...(lake.bronze.retention === undefined ? {} : { retention: lake.bronze.retention }) });
        const progress = ctx.progress(`reading ${paths.length} file(s)`, paths.length);
        const files = [];
        for (const p of paths) {
          files.push({ name: statSync(path).isFile() ? relative(resolve(path, '..'), p) : relative(path, p), data: new Uint8Array(await readFile(p)) });
          progress.tick();
        }
        progress.done();
        const report = await bronze.ingest({ source: opts.source, files, ...(opts.batchId === undefined ? {} : { batchId: opts.batchId }) });
        const m = report.manifest;
        ctx.result(
          { source: m.source, batchId: m.batchId, manifest: report.manifestLocation, stored: report.stored, duplicates: report.duplicates, replayed: report.replayed, files: m.files.map((f) => ({ name: f.name, key: f.key, location: f.location, size: f.size, sha256: f.sha256, status: f.status, format: f.format, malformed: f.malformed?.length ?? 0 })) },
          () =>
            [
              textTable(['file', 'status', 'format', 'size', 'sha256', 'key'], m.files.map((f) => [f.name, f.status === 'duplicate' ? ctx.style('yellow', 'duplicate') : f.status, f.format, bytes(f.size), f.sha256, f.key]), 80),
              '',
              `batch ${m.batchId}: ${report.stored} stored, ${report.duplicates} duplicate${report.replayed ? ' (batch replayed: nothing written)' : ''}; manifest ${report.manifestLocation}`,
            ].join('\n'),
        );
      }),
    );
}
