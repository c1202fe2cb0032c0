import { Float64, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPolicy, classifyTable, detokenizeValue, ff1Tokenizer, gcmDecrypt, gcmEncryptor, hmacHex, LocalKeyring, luhnValid, maskValue, protectHook, redactValue, sampleRows,
} from '../../../src/classification/index.js';
import { isLakeError } from '../../../src/errors.js';
import { MemoryFileIO } from '../../../src/io/memory.js';

const utf8 = (xs: (string | null)[]) => vectorFromArray(xs, new Utf8());

function customers(n = 40): Table {
  const cards = ['4539 1488 0343 6467', '5425233430109903', '378282246310005', '6011000990139424'];
  return new Table({
    id: vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i)), new Int64()),
    name: utf8(Array.from({ length: n }, (_, i) => `Customer ${i}`)),
    card_number: utf8(Array.from({ length: n }, (_, i) => (i % 10 === 9 ? null : cards[i % 4]!))),
    email: utf8(Array.from({ length: n }, (_, i) => `user${i}@example.com`)),
    memo: utf8(Array.from({ length: n }, (_, i) => (i % 4 === 0 ? `call me on +44 20 7946 ${String(1000 + i)}` : 'no notes'))),
    pan_numeric: vectorFromArray(Array.from({ length: n }, () => 4539148803436467), new Float64()),
  });
}

describe('classifyTable', () => {
  it('finds types, hit ratios, masked examples and sensitivity per column', () => {
    const cls = classifyTable(customers());
    const col = (name: string) => cls.columns.find((c) => c.column === name)!;
    expect(col('card_number').types).toEqual(['CREDIT_CARD']);
    expect(col('card_number').sensitivity).toBe('restricted');
    expect(col('card_number').nonNull).toBe(36);
    expect(col('card_number').findings[0]!.hitRatio).toBe(1);
    expect(col('card_number').findings[0]!.examples[0]).toBe('**** **** **** 6467');
    expect(col('email').types).toEqual(['EMAIL']);
    expect(col('email').sensitivity).toBe('confidential');
    expect(col('memo').types).toEqual(['PHONE']);
    expect(col('memo').findings[0]!.hitRatio).toBe(0.25);
    expect(col('name').types).toEqual([]);
    expect(col('name').sensitivity).toBe('public');
    expect(col('id').types).toEqual([]);
    expect(col('pan_numeric').types).toEqual(['CREDIT_CARD']); // numbers are scanned as digits
    expect(cls.sensitivity).toBe('restricted');
    expect(cls.sampled).toBe(false);
  });

  it('takes sensitivity overrides and a minimum hit ratio', () => {
    const cls = classifyTable(customers(), { sensitivity: { EMAIL: 'internal' }, minHitRatio: 0.5 });
    expect(cls.columns.find((c) => c.column === 'email')!.sensitivity).toBe('internal');
    expect(cls.columns.find((c) => c.column === 'memo')!.types).toEqual([]);
  });

  it('samples deterministically', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 5000 }), fc.integer(), (rows, size, seed) => {
        const a = sampleRows(rows, size, seed);
        expect(sampleRows(rows, size, seed)).toEqual(a);
        if (size >= rows) expect(a).toBeUndefined();
        else {
          expect(a!.length).toBe(size);
          let ascending = true;
          for (let i = 1; i < a!.length; i++) if (a![i]! <= a![i - 1]!) ascending = false;
          expect(ascending).toBe(true);
          expect(a![a!.length - 1]!).toBeLessThan(rows);
        }
      }),
    );
    const t = customers(400);
    const one = classifyTable(t, { sampleSize: 50, seed: 3 });
    expect(one.sampled).toBe(true);
    expect(one.columns[0]!.scanned).toBe(50);
    expect(classifyTable(t, { sampleSize: 50, seed: 3 })).toEqual(one);
  });

  it('refuses unknown columns', () => {
    expect(() => classifyTable(customers(), { columns: ['nope'] })).toThrow(/no column named nope/);
  });
});

describe('masking and redaction', () => {
  it('keeps the last N letters and digits, and the separators', () => {
    expect(maskValue('4111-1111-1111-1111')).toBe('****-****-****-1111');
    expect(maskValue('4111111111111111', { keepFirst: 6, keepLast: 4 })).toBe('411111******1111');
    expect(maskValue('123')).toBe('***');
    expect(redactValue('card 4111 and ssn 123', [{ start: 5, end: 9, type: 'CREDIT_CARD' }])).toBe('card [CREDIT_CARD] and ssn 123');
  });
  it('never leaves more than keepLast characters readable', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 8 }), (v, keep) => {
        const m = maskValue(v, { keepLast: keep });
        expect(m.length).toBe(v.length);
        const visible = [...m].filter((c, i) => /[A-Za-z0-9]/.test(c) && c === v[i]).length;
        expect(visible).toBeLessThanOrEqual(keep);
      }),
    );
  });
});

describe('keyed protection', () => {
  it('hashing is stable for the same key and differs across keys', async () => {
    const keys = new LocalKeyring({ pii: [new Uint8Array(32).fill(7)] });
    const other = new LocalKeyring({ pii: [new Uint8Array(32).fill(8)] });
    const k = await keys.current('pii');
    const again = await new LocalKeyring({ pii: [new Uint8Array(32).fill(7)] }).current('pii');
    expect(await hmacHex(k, 'somchai@bank.co.th')).toBe(await hmacHex(again, 'somchai@bank.co.th'));
    expect(await hmacHex(k, 'somchai@bank.co.th')).not.toBe(await hmacHex(await other.current('pii'), 'somchai@bank.co.th'));
    expect(await hmacHex(k, 'x')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tokenize then detokenize returns the original; cards stay 16 digits, Luhn-valid, BIN and last 4 kept', async () => {
    const keys = new LocalKeyring();
    const t = await ff1Tokenizer(await keys.current('pan'), { luhn: true, keepFirst: 6, keepLast: 4 });
    const card = fc.tuple(fc.constantFrom('4', '51', '6011'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 })).map(([p, d]) => {
      const body = (p + d.join('')).slice(0, 15);
      for (let c = 0; c <= 9; c++) if (luhnValid(body + c)) return body + c;
      return body + '0';
    });
    await fc.assert(
      fc.asyncProperty(card, fc.constantFrom('', ' ', '-'), async (pan, sep) => {
        const value = sep === '' ? pan : pan.match(/.{4}/g)!.join(sep);
        const token = await t.tokenize(value);
        const digits = token.replace(/\D/g, '');
        expect(digits).toHaveLength(16);
        expect(luhnValid(digits)).toBe(true);
        expect(digits.slice(0, 6)).toBe(pan.slice(0, 6));
        expect(digits.slice(12)).toBe(pan.slice(12));
        expect(token.replace(/\d/g, '')).toBe(value.replace(/\d/g, ''));
        expect(await t.detokenize(token)).toBe(value);
      }),
      { numRuns: 30 },
    );
  });

  it('detokenizes with an older key version after rotation', async () => {
    const keys = new LocalKeyring();
    const v1 = await keys.current('ssn');
    const token = await (await ff1Tokenizer(v1)).tokenize('536904399');
    await keys.rotate('ssn');
    expect((await keys.current('ssn')).version).toBe(2);
    expect(await detokenizeValue(keys, 'ssn', 1, token)).toBe('536904399');
  });

  it('refuses values too short for FF1', async () => {
    const t = await ff1Tokenizer(await new LocalKeyring().current('k'));
    await expect(t.tokenize('12345')).rejects.toSatisfy((e) => isLakeError(e, 'VALIDATION'));
  });

  it('AES-GCM round-trips, and a value moved to another column does not decrypt', async () => {
    const keys = new LocalKeyring();
    const enc = await gcmEncryptor(await keys.current('pii'), 'email');
    await fc.assert(
      fc.asyncProperty(fc.string(), async (v) => {
        const c = await enc(v);
        expect(c.startsWith('enc:v1:')).toBe(true);
        expect(await gcmDecrypt(keys, 'pii', c, 'email')).toBe(v);
      }),
      { numRuns: 30 },
    );
    const c = await enc('a@b.co');
    await expect(gcmDecrypt(keys, 'pii', c, 'phone')).rejects.toSatisfy((e) => isLakeError(e, 'VALIDATION'));
    await expect(gcmDecrypt(keys, 'pii', 'enc:v1:!!', 'email')).rejects.toSatisfy((e) => isLakeError(e, 'VALIDATION'));
  });

  it('a keyring saves, loads and keeps its versions', async () => {
    const io = new MemoryFileIO();
    const keys = new LocalKeyring();
    const k1 = await keys.current('pii');
    await keys.rotate('pii');
    await keys.save(io, 'memory://secure/keyring.json');
    const loaded = await LocalKeyring.load(io, 'memory://secure/keyring.json');
    expect((await loaded.current('pii')).version).toBe(2);
    expect((await loaded.version('pii', 1)).key.reveal()).toEqual(k1.key.reveal());
    expect(String(k1.key)).toBe('[REDACTED]');
    await expect(loaded.version('pii', 3)).rejects.toSatisfy((e) => isLakeError(e, 'NOT_FOUND'));
    await io.write('memory://secure/bad.json', '{"format":"x"}');
    await expect(LocalKeyring.load(io, 'memory://secure/bad.json')).rejects.toSatisfy((e) => isLakeError(e, 'VALIDATION'));
  });
});

describe('applyPolicy', () => {
  it('protects by type, by level and by column, keeps nulls, and reports what it did', async () => {
    const keys = new LocalKeyring();
    const table = customers();
    const { table: out, report } = await applyPolicy(table, {
      keys,
      columns: { name: { action: 'mask', keepLast: 2 } },
      types: { CREDIT_CARD: { action: 'tokenize', key: 'pan', luhn: true }, EMAIL: { action: 'hash', key: 'pii' } },
      levels: { confidential: { action: 'mask', scope: 'matches' } },
    });
    const rows = out.toArray().map((r) => r.toJSON() as Record<string, unknown>);
    expect(out.numRows).toBe(40);
    expect(rows[0]!.name).toBe('*******r 0');
    expect(rows[9]!.card_number).toBeNull();
    expect(String(rows[0]!.card_number).replace(/\D/g, '')).toHaveLength(16);
    expect(luhnValid(String(rows[1]!.card_number))).toBe(true);
    expect(rows[0]!.email).toBe(await hmacHex(await keys.current('pii'), 'user0@example.com'));
    expect(rows[0]!.memo).toBe('call me on +** ** **** 1000');
    expect(rows[1]!.memo).toBe('no notes');
    expect(rows[0]!.id).toBe(0n);
    const byCol = Object.fromEntries(report.columns.map((c) => [c.column, c]));
    expect(byCol.card_number).toMatchObject({ action: 'tokenize', rule: 'type', key: { name: 'pan', version: 1 }, values: 36 });
    expect(byCol.email).toMatchObject({ action: 'hash', rule: 'type', types: ['EMAIL'] });
    expect(byCol.memo).toMatchObject({ action: 'mask', rule: 'level', sensitivity: 'confidential' });
    expect(byCol.name).toMatchObject({ action: 'mask', rule: 'column' });
    expect(byCol.id).toBeUndefined();
    // Tokens detokenize to the originals with the reported key version.
    const token = String(rows[1]!.card_number);
    expect(await detokenizeValue(keys, 'pan', 1, token, { luhn: true })).toBe('5425233430109903');
  });

  it('needs keys for keyed actions, and known column names', async () => {
    await expect(applyPolicy(customers(), { columns: { email: { action: 'hash', key: 'k' } } })).rejects.toSatisfy((e) => isLakeError(e, 'VALIDATION'));
    await expect(applyPolicy(customers(), { columns: { nope: { action: 'redact' } } })).rejects.toThrow(/nope/);
  });

  it('is a zone-writer hook', async () => {
    const seen: string[] = [];
    const hook = protectHook({ levels: { restricted: { action: 'redact' } } }, (report, ctx) => void seen.push(`${ctx.dataset}:${report.columns.map((c) => c.column).join(',')}`));
    const out = await hook(customers(), { runId: 'r1', zone: 'silver', dataset: 'crm.customers' });
    expect(out.getChild('card_number')!.get(0)).toBe('[REDACTED]');
    expect(seen).toEqual(['crm.customers:card_number,pan_numeric']);
  });
});

describe('sliced Arrow data', () => {
  it('classifies and protects a slice exactly as a copy of the same rows (property)', async () => {
    const cards = ['4111111111111111', '5500005555555559', '340000000000009', '6011000990139424'];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }), async (from, count) => {
        const n = 64;
        const rows = Array.from({ length: n }, (_, i) => ({ card: i % 5 === 0 ? null : cards[i % 4]!, note: `row ${i}`, amount: BigInt(i) }));
        const full = new Table({
          card: vectorFromArray(rows.map((r) => r.card), new Utf8()),
          note: vectorFromArray(rows.map((r) => r.note), new Utf8()),
          amount: vectorFromArray(rows.map((r) => r.amount), new Int64()),
        });
        const sliced = full.slice(from, from + count);
        const copy = new Table({
          card: vectorFromArray(rows.slice(from, from + count).map((r) => r.card), new Utf8()),
          note: vectorFromArray(rows.slice(from, from + count).map((r) => r.note), new Utf8()),
          amount: vectorFromArray(rows.slice(from, from + count).map((r) => r.amount), new Int64()),
        });
        const a = classifyTable(sliced, { sample: { rows: 1000 } } as never);
        const b = classifyTable(copy, { sample: { rows: 1000 } } as never);
        expect(a.columns.map((c) => [c.column, c.types, c.nonNull, c.findings.map((f) => [f.type, f.hits])])).toEqual(b.columns.map((c) => [c.column, c.types, c.nonNull, c.findings.map((f) => [f.type, f.hits])]));
        const policy = { columns: { card: { action: 'mask' as const, keepLast: 4 } } };
        const pa = await applyPolicy(sliced, policy as never);
        const pb = await applyPolicy(copy, policy as never);
        expect(pa.table.getChild('card')!.toArray()).toEqual(pb.table.getChild('card')!.toArray());
      }),
      { numRuns: 30 },
    );
  });
});

describe('date columns', () => {
  it('are read as ISO dates, so a protected date column keeps its values (masked), not nulls', async () => {
    const { DateDay } = await import('apache-arrow');
    const t = new Table({ dob: vectorFromArray([new Date('1987-04-12'), null, new Date('2001-12-31')], new DateDay()) });
    const r = await applyPolicy(t, { columns: { dob: { action: 'mask', keepLast: 2 } } } as never);
    expect(r.table.getChild('dob')!.toArray()).toEqual(['****-**-12', null, '****-**-31']);
  });
});
