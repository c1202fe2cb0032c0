/**
 * The scanner's fast paths must agree with the slow paths they shortcut:
 * the prefilter gate never drops a finding, the per-column memo never changes
 * a column's counts, and the byte-loop validators give the verdicts of the
 * straightforward definitions they replaced.
 */
import { LargeUtf8, Table, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_DETECTORS, CARD_ISSUERS, cardIssuer, classifyTable, defineDetector, generateBenchmark, ibanValid, IBAN_LENGTHS, luhnValid, maskValue, mod97, Scanner, TEST_CARD_NUMBERS, type Verdict,
} from '../../../src/classification/index.js';
import { digitUniform } from '../../../src/classification/scanner.js';

/** A `text` detector without `requires` that never matches: it switches the prefilter gate off and adds no finding. */
const gateOff = defineDetector({ type: 'NEVER', pattern: /(?!)/g });

const pool = generateBenchmark({ perType: 20, seed: 7 });
const poolValues = pool.map((c) => c.value);
const columns = ['card_number', 'email', 'notes', 'ssn', 'iban', 'phone', 'swift code', 'passport', 'dob', 'aws secret', 'memo'];

/** Characters that make identifier shapes: digits, separators, capitals, '@', ':', '+', '/', regex-class metacharacters, lowercase, Thai, non-BMP. */
const shapeChar = fc.constantFrom(...'0123456789 -./()+@:=_[]^\\ABCDEFGKMSTZabcxyz\u0E01\u0E32'.split(''), 'x-y', '\u{1F600}', '\n');
const shapeText = fc.array(shapeChar, { maxLength: 60 }).map((cs) => cs.join(''));
/** Context words and zero-only digit runs (the gate must not treat 0 as a non-digit, nor keywords as letters only). */
const wordText = fc.array(fc.constantFrom('acct ', 'card ', 'ssn ', 'passport ', 'secret ', '0', '00000', '0000000', ' ', '-', 'x', 'NY', 'AB'), { maxLength: 12 }).map((ws) => ws.join(''));
/** Benchmark identifiers spliced into random text, so valid candidates are common. */
const cellText = fc.oneof(
  shapeText,
  wordText,
  fc.constantFrom(...poolValues),
  fc.tuple(shapeText, fc.constantFrom(...poolValues), shapeText).map(([a, v, b]) => `${a}${v}${b}`),
  fc.tuple(fc.constantFrom(...poolValues), fc.integer({ min: 0, max: 40 }), shapeChar).map(([v, at, ch]) => v.slice(0, at) + ch + v.slice(at + 1)),
);

describe('prefilter gate', () => {
  const cases: [string, Scanner, Scanner][] = [
    ['built-in detectors', new Scanner(), new Scanner({ extraDetectors: [gateOff] })],
    ...(
      [
        ['a token detector of one-character tokens', defineDetector({ type: 'GRADE', source: 'token', pattern: /^[A-F]$/, minLength: 1, maxLength: 1, baseScore: 0.9 })],
        ['a text detector requiring class metacharacters', defineDetector({ type: 'BRACKET', pattern: /\[[a-z]+\]|\^\w+|\\\w+|x-y/g, requires: ']^\\-', baseScore: 0.9 })],
        ['a token detector of two capitals', defineDetector({ type: 'STATE', source: 'token', pattern: /^[A-Z]{2}$/, minLength: 2, maxLength: 2, baseScore: 0.9 })],
        ['a token detector of lowercase and digits', defineDetector({ type: 'ROOM', source: 'token', pattern: /^[a-z]\d{3}$/, minLength: 4, maxLength: 4, baseScore: 0.9 })],
        ['a digits detector only', defineDetector({ type: 'ORDER', source: 'digits', pattern: /^\d{5}$/, minLength: 5, maxLength: 5, baseScore: 0.9 })],
      ] as const
    ).map(([name, d]): [string, Scanner, Scanner] => [name, new Scanner({ detectors: [d] }), new Scanner({ detectors: [d, gateOff] })]),
  ];
  it.each(cases)('never drops a finding (%s): scans agree with the gate on and off', (_name, gated, ungated) => {
    fc.assert(
      fc.property(cellText, fc.constantFrom(...columns), (text, column) => {
        expect(gated.scan(text, gated.columnContext(column))).toEqual(ungated.scan(text, ungated.columnContext(column)));
      }),
      { numRuns: 1500 },
    );
  });
  it.each(cases)('gives the same answer on UTF-8 bytes as on text (%s)', (_name, gated) => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(cellText, fc.string({ maxLength: 5 }), (text, pad) => {
        // The value sits inside a larger buffer, as a cell in an Arrow value buffer does.
        const before = enc.encode(pad);
        const bytes = enc.encode(pad + text + pad);
        expect(gated.couldMatchUtf8(bytes, before.length, bytes.length - before.length)).toBe(gated.couldMatch(text));
      }),
      { numRuns: 1500 },
    );
  });
  it('falls back to decoding when a detector requires a non-ASCII character', () => {
    const thai = new Scanner({ detectors: [defineDetector({ type: 'THAI_REF', pattern: /ก\d+/g, requires: 'ก', baseScore: 0.9 })] });
    const bytes = new TextEncoder().encode('ref ก12');
    expect(thai.couldMatchUtf8(bytes, 0, bytes.length)).toBe(true);
    expect(thai.scan('ref ก12').map((f) => f.text)).toEqual(['ก12']);
  });
  it('still finds identifiers in free text', () => {
    const gated = new Scanner();
    const ungated = new Scanner({ extraDetectors: [gateOff] });
    for (const c of pool) expect(gated.scan(c.value, gated.columnContext(c.column))).toEqual(ungated.scan(c.value, ungated.columnContext(c.column)));
  });
});

describe('per-column scan memo', () => {
  /** What classifyTable must report for a column, computed by scanning every cell afresh. */
  function reference(scanner: Scanner, name: string, values: (string | null)[]) {
    const ctx = scanner.columnContext(name);
    const acc = new Map<string, { hits: number; score: number; examples: string[]; flags: Record<string, number> }>();
    let nonNull = 0;
    for (const v of values) {
      if (v === null) continue;
      nonNull++;
      const found = scanner.scan(v, ctx);
      const seen = new Set<string>();
      for (const f of found) {
        let a = acc.get(f.type);
        if (!a) acc.set(f.type, (a = { hits: 0, score: 0, examples: [], flags: {} }));
        if (!seen.has(f.type)) a.hits++;
        seen.add(f.type);
        a.score += f.score;
        if (a.examples.length < 3) a.examples.push(maskValue(f.text, { keepLast: 4 }));
        for (const fl of f.flags ?? []) a.flags[fl] = (a.flags[fl] ?? 0) + 1;
      }
    }
    return { nonNull, acc };
  }

  // Columns that repeat a little, a lot, or not at all, long enough to cross the memo's probe and entry limits.
  const column = fc.oneof(
    fc.array(fc.option(cellText, { nil: null, freq: 10 }), { minLength: 0, maxLength: 300 }),
    fc.tuple(fc.array(cellText, { minLength: 1, maxLength: 30 }), fc.integer({ min: 2100, max: 4000 }), fc.integer()).map(([distinct, n, seed]) =>
      Array.from({ length: n }, (_, i) => (i % 17 === 0 ? null : distinct[Math.abs(seed + i * 7) % distinct.length]!)),
    ),
    fc.integer({ min: 2100, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? poolValues[i % poolValues.length]! : `${poolValues[(i * 13) % poolValues.length]} #${i}`))),
  );

  it('reads chunked, sliced and LargeUtf8 columns cell by cell as scanning every cell does', () => {
    const scanner = new Scanner();
    fc.assert(
      fc.property(fc.array(fc.option(cellText, { nil: null, freq: 8 }), { minLength: 1, maxLength: 200 }), fc.nat(40), fc.boolean(), (values, cut, large) => {
        const type = large ? new LargeUtf8() : new Utf8();
        const half = values.length >> 1;
        const chunked = new Table({ c: vectorFromArray(values.slice(0, half), type) }).concat(new Table({ c: vectorFromArray(values.slice(half), type) }));
        const table = chunked.slice(Math.min(cut, values.length));
        const cls = classifyTable(table, { fullScan: true, scanner });
        const { nonNull, acc } = reference(scanner, 'c', values.slice(Math.min(cut, values.length)));
        const col = cls.columns[0]!;
        expect(col.nonNull).toBe(nonNull);
        expect(Object.fromEntries(col.findings.map((f) => [f.type, [f.hits, f.examples]]))).toEqual(Object.fromEntries([...acc].map(([t, a]) => [t, [a.hits, a.examples]])));
      }),
      { numRuns: 150 },
    );
  });

  it('gives the counts, scores, examples and flags of scanning every cell', () => {
    const scanner = new Scanner();
    fc.assert(
      fc.property(column, fc.constantFrom(...columns), (values, name) => {
        const cls = classifyTable(new Table({ [name]: vectorFromArray(values, new Utf8()) }), { fullScan: true, scanner });
        const { nonNull, acc } = reference(scanner, name, values);
        const col = cls.columns[0]!;
        expect(col.nonNull).toBe(nonNull);
        expect(col.findings.length).toBe(acc.size);
        for (const f of col.findings) {
          const a = acc.get(f.type)!;
          expect(f.hits).toBe(a.hits);
          expect(f.hitRatio).toBe(a.hits / nonNull);
          expect(f.confidence).toBe(a.score / Math.max(1, a.hits));
          expect(f.examples).toEqual(a.examples);
          expect(f.flags ?? {}).toEqual(a.flags);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('digit candidates matched by length', () => {
  const digitDetectors = BUILTIN_DETECTORS.filter((d) => d.source === 'digits');
  it('every built-in digits pattern treats digits alike, so a bare digit run is decided by its length', () => {
    for (const d of digitDetectors) expect(digitUniform(d.pattern)).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom(...digitDetectors), fc.stringMatching(/^[0-9]{1,20}$/), fc.stringMatching(/^[ ().+/-]{0,3}$/), fc.nat(20), (d, digits, sep, at) => {
        const cand = digits.slice(0, at) + sep + digits.slice(at);
        expect(d.pattern.test(cand)).toBe(d.pattern.test(cand.replace(/\d/g, '5')));
      }),
      { numRuns: 3000 },
    );
  });
  it('patterns that tell digits apart are not treated as uniform', () => {
    for (const p of [/^4\d{15}$/, /^(\d)\1$/, /^\d{3}(\d)\1$/, /^[0-5]\d$/, /^\d{2}(.)\d\1$/, /^\u0031\d$/, /^\x31$/, /^(?<a>\d)\k<a>$/, /^(\d{3})-\1$/, /^(\w)\1$/, /^([^-])\1$/]) {
      expect(digitUniform(p), p.source).toBe(false);
    }
    for (const p of [/^\d+(?:-\d+)*$/, /^[\d-]+$/, /^\d{2}([./-])\d\1\d$/]) expect(digitUniform(p), p.source).toBe(true);
  });
  it('a user-defined digits detector with literal digits still matches by pattern', () => {
    const visa = defineDetector({ type: 'VISA16', source: 'digits', pattern: /^4\d{15}$/, minLength: 16, maxLength: 16, baseScore: 0.9 });
    const s = new Scanner({ detectors: [visa] });
    expect(s.scan('pay 4111111111111111 now').map((f) => f.type)).toEqual(['VISA16']);
    expect(s.scan('pay 5111111111111111 now')).toEqual([]);
  });
});

describe('byte-loop validators agree with their definitions', () => {
  const validator = (type: string) => BUILTIN_DETECTORS.find((d) => d.type === type)!.validate!;
  const digitsOf = (s: string) => s.replace(/\D/g, '');

  /** The card rule as written: digits, Luhn, issuer prefix and length, test numbers flagged, 13 digits weak. */
  function cardReference(candidate: string): Verdict {
    const d = digitsOf(candidate);
    if (!luhnValid(d) || slowIssuer(d) === undefined) return false;
    const baseScore = d.length === 13 ? 0.05 : 0.3;
    return TEST_CARD_NUMBERS.has(d) ? { valid: true, flags: ['test-number'], baseScore } : { valid: true, baseScore };
  }
  function slowIssuer(digits: string): string | undefined {
    if (digits.length < 6) return undefined;
    const head = Number(digits.slice(0, 6));
    for (const issuer of CARD_ISSUERS) {
      if (!issuer.lengths.includes(digits.length)) continue;
      for (const [lo, hi] of issuer.ranges) {
        const n = Math.floor(head / 10 ** (6 - String(lo).length));
        if (n >= lo && n <= hi) return issuer.name;
      }
    }
    return undefined;
  }
  function emailReference(candidate: string): boolean {
    const at = candidate.lastIndexOf('@');
    const local = candidate.slice(0, at);
    const domain = candidate.slice(at + 1);
    if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
    return domain.split('.').every((l) => l.length > 0 && l.length <= 63 && !l.startsWith('-') && !l.endsWith('-'));
  }

  const digitsWithSeps = fc.array(fc.constantFrom(...'0123456789 -'.split(''), '4', '5', '3', '6'), { maxLength: 24 }).map((cs) => cs.join(''));
  const cardish = fc.oneof(
    digitsWithSeps,
    fc.constantFrom(...TEST_CARD_NUMBERS),
    fc.constantFrom(...pool.filter((c) => c.labels.includes('CREDIT_CARD')).map((c) => c.value)),
    fc.tuple(fc.constantFrom(...TEST_CARD_NUMBERS), fc.integer({ min: 0, max: 18 }), fc.constantFrom(' ', '-', '0', 'a')).map(([v, at, ch]) => v.slice(0, at) + ch + v.slice(at)),
  );
  it('card: Luhn, issuer and test-number flags', () => {
    const card = validator('CREDIT_CARD');
    fc.assert(fc.property(cardish, (c) => {
      expect(card(c)).toEqual(cardReference(c));
    }), { numRuns: 5000 });
  });
  it('cardIssuer matches the range table read issuer by issuer', () => {
    fc.assert(fc.property(fc.oneof(digitsWithSeps, cardish, fc.string({ maxLength: 20 })), (c) => {
      expect(cardIssuer(c)).toBe(slowIssuer(c));
    }), { numRuns: 5000 });
  });
  it('email: local and domain label rules', () => {
    const email = validator('EMAIL');
    const part = fc.array(fc.constantFrom(...'ab.-_9@'.split('')), { maxLength: 70 }).map((cs) => cs.join(''));
    fc.assert(fc.property(fc.oneof(part, fc.tuple(part, part).map(([a, b]) => `${a}@${b}`), fc.string({ maxLength: 80 })), (c) => {
      expect(email(c)).toBe(emailReference(c));
    }), { numRuns: 5000 });
  });
  it('IBAN: MOD 97-10 over the rearranged string', () => {
    const ibans = pool.filter((c) => c.labels.includes('IBAN')).map((c) => c.value.replace(/ /g, ''));
    const mutated = fc.tuple(fc.constantFrom(...ibans), fc.integer({ min: 0, max: 33 }), fc.constantFrom(...'0123456789AZaz-'.split(''))).map(([v, at, ch]) => v.slice(0, at) + ch + v.slice(at + 1));
    const reference = (compact: string) => {
      const s = compact.toUpperCase();
      return IBAN_LENGTHS[s.slice(0, 2)] === s.length && /^\d\d$/.test(s.slice(2, 4)) && mod97(s.slice(4) + s.slice(0, 4)) === 1;
    };
    fc.assert(fc.property(fc.oneof(fc.constantFrom(...ibans), mutated), (c) => {
      expect(ibanValid(c)).toBe(reference(c));
    }), { numRuns: 5000 });
  });
});
