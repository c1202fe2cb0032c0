/**
 * The user guides' code blocks run as tests: every ```ts block of a guide is
 * concatenated into one module (imports of `lakekit/*` pointed at src/), run
 * top to bottom, and every `console.log(x); // → value` line asserts that `x`
 * prints as `value` (util.inspect, whitespace ignored). A guide that drifts
 * from the API fails here.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { entries } from '../../../tsup.config.js';

const ROOT = resolve(__dirname, '../../..');
/**
 * Every page under docs/ with a ```ts block is a guide. Blocks fenced as ```ts run;
 * a block that needs a live service (Polaris, AWS) is fenced ```typescript and is
 * only shown, so say so next to it.
 */
const GUIDES = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`)
  .filter((f) => /```ts\n/.test(readFileSync(join(ROOT, f), 'utf8')));
/** `lakekit/<subpath>` → its source entry, from the build's entries. */
const SUBPATHS: Record<string, string> = Object.fromEntries(
  Object.entries(entries).map(([name, src]) => [name === 'index' ? 'lakekit' : `lakekit/${name.replace(/\/index$/, '')}`, src]),
);

interface Check {
  line: number;
  expected: string;
  actual?: string;
}

function compile(markdown: string): { code: string; checks: Check[] } {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const imports: string[] = [];
  const body: string[] = [];
  const checks: Check[] = [];
  for (const line of blocks.join('\n').split('\n')) {
    if (/^import .* from '[^']+';$/.test(line)) {
      imports.push(line.replace(/from '([^']+)'/, (_m, spec: string) => {
        const target = SUBPATHS[spec];
        if (target === undefined) throw new Error(`guide imports ${spec}, which the guide test does not map`);
        return `from '${join(ROOT, target)}'`;
      }));
      continue;
    }
    const m = /^(\s*)console\.log\((.*)\);\s*\/\/ → (.*?)(?:\s+\(.*\))?$/.exec(line);
    if (m) {
      checks.push({ line: checks.length, expected: m[3]! });
      body.push(`${m[1]}__check(${checks.length - 1}, [${m[2]}]);`);
    } else body.push(line.replace(/console\.log\(/g, '__log('));
  }
  return { code: [...imports, 'export async function run(__check: (i: number, args: unknown[]) => void, __log: (...a: unknown[]) => void) {', ...body, '}'].join('\n'), checks };
}

const squash = (s: string) => s.replace(/\s+/g, '');

describe.each(GUIDES)('guide %s', (guide) => {
  it('runs, and prints what it says it prints', { timeout: 60_000 }, async () => {
    const { code, checks } = compile(readFileSync(join(ROOT, guide), 'utf8'));
    expect(checks.length, 'a guide checks at least one printed value').toBeGreaterThan(0);
    const dir = join(ROOT, '.cache', 'guides');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${guide.replace(/[^a-z0-9]+/gi, '_')}.ts`);
    writeFileSync(file, code);
    const mod = (await import(file)) as { run: (c: (i: number, a: unknown[]) => void, l: () => void) => Promise<void> };
    await mod.run(
      (i, args) => {
        checks[i]!.actual = inspect(args.at(-1), { depth: 6, breakLength: Infinity });
      },
      () => undefined,
    );
    for (const c of checks) expect(squash(c.actual ?? '(not printed)'), `check ${c.line}: ${c.expected}`).toBe(squash(c.expected));
  });
});
