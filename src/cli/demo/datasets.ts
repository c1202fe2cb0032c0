/**
 * How the data commands (`check`, `classify`, `protect`, `promote`) find
 * their input and write their output.
 *
 * Resolution rule for a `<dataset|file>` argument, first match wins:
 * 1. an existing file (relative to the working directory): read with the
 *    `lakekit/formats` readers by its extension or content (CSV, JSON, JSON
 *    Lines, Parquet, Avro);
 * 2. a silver dataset of the configured lake (`core.transactions`);
 * 3. an Iceberg table of the configured catalog (`gold.daily_kpis`).
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Table as ArrowTable, type RecordBatch } from 'apache-arrow';
import { readParquet } from '../../formats/index.js';
import { arrowToRows } from '../../iceberg/index.js';
import { Table } from '../../iceberg/table/table.js';
import { tableIdentifier } from '../../catalog/identifier.js';
import { LocalFileIO } from '../../io/local.js';
import { loadRuleFile, parseDqdl, writeQuarantine, type RuleSet } from '../../quality/index.js';
import { decodeWithReaders, SilverWriter, type BronzeFileEntry, type MalformedRow } from '../../zones/index.js';
import { CliUsageError, type CliContext } from '../context.js';
import { openCliLake } from '../lake.js';

/** A table a data command works on, and where it came from. */
export interface LoadedData {
  table: ArrowTable;
  /** `file`, `silver` or `gold`. */
  kind: 'file' | 'silver' | 'gold';
  /** The file path, silver dataset or table identifier. */
  name: string;
  malformed: MalformedRow[];
}

/** Load `arg` by the resolution rule above. */
export async function loadData(ctx: CliContext, arg: string): Promise<LoadedData> {
  const path = resolve(ctx.cwd, arg);
  if (existsSync(path)) {
    if (!statSync(path).isFile()) throw new CliUsageError(`${arg} is a directory; give one data file (CSV, JSON, JSON Lines, Parquet, Avro)`);
    if (extname(path).toLowerCase() === '.parquet') {
      // Read through readParquet directly: decodeWithReaders returned no rows for Parquet when this was written.
      const stream = readParquet(new LocalFileIO(), pathToFileURL(path).href);
      const batches: RecordBatch[] = [];
      for await (const b of stream) batches.push(b);
      return { table: new ArrowTable(await stream.schema, batches), kind: 'file', name: arg, malformed: stream.malformed };
    }
    const bytes = new Uint8Array(await readFile(path));
    const decoded = await decodeWithReaders()({ entry: { name: basename(path), key: arg, location: pathToFileURL(path).href } as BronzeFileEntry, bytes });
    return { table: decoded.table, kind: 'file', name: arg, malformed: decoded.malformed ?? [] };
  }
  const lake = await openCliLake(ctx);
  const silver = new SilverWriter({ root: lake.silver.root, io: lake.silver.io });
  if (/^[A-Za-z0-9_.-]+$/.test(arg) && (await silver.current(arg)) !== undefined) return { table: await silver.read(arg), kind: 'silver', name: arg, malformed: [] };
  if (arg.includes('.')) {
    const id = tableIdentifier(arg);
    if (await lake.catalog.tableExists(id)) {
      const t = await Table.load(lake.catalog, id);
      return { table: await t.scan().toArrow(), kind: 'gold', name: arg, malformed: [] };
    }
  }
  throw new CliUsageError(`${arg} is not a file, a silver dataset or a table of this lake; give a path, a silver dataset (core.transactions) or a table (gold.daily_kpis) — see \`lakekit catalog ls\``);
}

/** Read a rule file: YAML or JSON (`lakekit/quality` rule file), or DQDL (`.dqdl`, or text starting with `Rules =`). */
export async function readRules(ctx: CliContext, file: string, columns?: readonly string[]): Promise<RuleSet> {
  const path = resolve(ctx.cwd, file);
  if (!existsSync(path)) throw new CliUsageError(`rule file ${file} does not exist; write one (see docs/quality.md) or fix --rules`);
  const text = await readFile(path, 'utf8');
  if (extname(path).toLowerCase() === '.dqdl' || /^\s*Rules\s*=/.test(text)) return parseDqdl(text);
  return loadRuleFile(text, { source: file, ...(columns === undefined ? {} : { columns: [...columns] }) });
}

/** Write `table` to `out` by its extension: `.parquet`, `.jsonl`/`.ndjson` or `.csv`. */
export async function writeData(ctx: CliContext, table: ArrowTable, out: string): Promise<string> {
  const path = resolve(ctx.cwd, out);
  await mkdir(dirname(path), { recursive: true });
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet' || ext === '.jsonl' || ext === '.ndjson') {
    // writeQuarantine is lakekit's "Arrow table → Parquet or JSON Lines through a FileIO" writer.
    await writeQuarantine(new LocalFileIO(), pathToFileURL(path).href, table, { format: ext === '.parquet' ? 'parquet' : 'jsonl' });
  } else if (ext === '.csv') {
    await writeFile(path, toCsv(table));
  } else {
    throw new CliUsageError(`--out ${out}: unknown extension; use .parquet, .jsonl or .csv`);
  }
  return path;
}

function toCsv(table: ArrowTable): string {
  const names = table.schema.fields.map((f) => f.name);
  const field = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'object' ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [names.map(field).join(',')];
  for (const r of arrowToRows(table)) lines.push(names.map((n) => field(r[n])).join(','));
  return `${lines.join('\n')}\n`;
}
