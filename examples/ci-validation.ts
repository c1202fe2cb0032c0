/**
 * A CI step that validates a dataset against a rule file before it is
 * published: read the data (CSV, JSON Lines, JSON, Parquet or Avro), check it
 * against the rules (YAML/JSON rule file, or AWS Glue DQDL with `.dqdl`),
 * print a Markdown report (append it to `$GITHUB_STEP_SUMMARY` in GitHub
 * Actions), and exit 1 when the gate blocks.
 *
 *   npx tsx examples/ci-validation.ts data/transactions.csv rules/transactions.yaml
 *
 * Exit codes: 0 passed, 1 the gate blocked, 2 bad input (missing file, invalid rules).
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLakeError } from '../src/errors.js';
import { LocalFileIO } from '../src/io/local.js';
import { detectFormat, readAvro, readCsv, readJson, readParquet, type RecordBatchStream } from '../src/formats/index.js';
import { checkQuality, gate, loadRuleFile, markdownReport, parseDqdl } from '../src/quality/index.js';

function reader(path: string, bytes: Uint8Array): RecordBatchStream {
  const name = basename(path);
  const format = detectFormat(name, bytes);
  switch (format) {
    case 'csv':
      return readCsv(bytes);
    case 'json':
    case 'jsonl':
      return readJson(bytes);
    case 'parquet':
      return readParquet(new LocalFileIO(), pathToFileURL(resolve(path)).href);
    case 'avro':
      return readAvro(bytes);
    default:
      throw new Error(`${name} is ${format}; pass CSV, JSON Lines, JSON, Parquet or Avro`);
  }
}

/** Validate `dataFile` against `rulesFile`; resolves to the exit code, writing the report through `print`. */
export async function main(argv: readonly string[] = process.argv.slice(2), print: (s: string) => void = (s) => void process.stdout.write(s)): Promise<number> {
  const [dataFile, rulesFile] = argv;
  if (dataFile === undefined || rulesFile === undefined) {
    console.error('usage: ci-validation <data file> <rules.yaml|rules.json|rules.dqdl>');
    return 2;
  }
  try {
    const [data, rulesText] = await Promise.all([readFile(dataFile), readFile(rulesFile, 'utf8')]);
    const rules = rulesFile.endsWith('.dqdl') ? parseDqdl(rulesText) : loadRuleFile(rulesText, { source: basename(rulesFile) });
    const stream = reader(dataFile, new Uint8Array(data));
    const { result } = await checkQuality(stream, { dataset: basename(dataFile), ...rules });
    if (stream.malformed.length > 0) print(`> ${stream.malformed.length} malformed record(s) skipped (first at line ${stream.malformed[0]!.line})\n\n`);
    print(markdownReport(result));
    const decision = gate(result);
    print(`\n**${decision.passed ? 'PASSED' : 'BLOCKED'}**${decision.reasons.map((r) => `\n- ${r}`).join('')}\n`);
    return decision.passed ? 0 : 1;
  } catch (e) {
    // Bad input is the author's to fix: one line, no stack.
    console.error(`ci-validation: ${isLakeError(e) || e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = await main();
