import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS, defineDetector, Scanner } from '../../../src/classification/index.js';
import { isLakeError } from '../../../src/errors.js';

const scanner = new Scanner();
const types = (text: string, column?: string, s = scanner) => s.scan(text, column === undefined ? undefined : s.columnContext(column)).map((f) => f.type);

describe('built-in detectors', () => {
  it.each([
    ['CREDIT_CARD', 'paid with 4539 1488 0343 6467 today'],
    ['CREDIT_CARD', '5425-2334-3010-9903'],
    ['CREDIT_CARD', 'amex 3714 496353 98431'],
    ['US_SSN', 'SSN 536-90-4399'],
    ['ABA_ROUTING', 'routing 021000021'],
    ['IBAN', 'IBAN GB82 WEST 1234 5698 7654 32'],
    ['IBAN', 'DE89370400440532013000'],
    ['SWIFT_BIC', 'SWIFT code DEUTDEFF'],
    ['BANK_ACCOUNT', 'acct no 0012345678'],
    ['EMAIL', 'write to somchai.j@bank.co.th'],
    ['PHONE', 'call +1 415 555 2671'],
    ['PHONE', '(415) 555-2671'],
    ['PHONE', '020 7946 0958'],
    ['PHONE', '081-234-5678'],
    ['PHONE', '+65 9123 4567'],
    ['TH_NATIONAL_ID', 'บัตรประชาชน 1-1017-00230-70-8'],
    ['SG_NRIC_FIN', 'NRIC S1234567D'],
    ['SG_NRIC_FIN', 'M1234567K'],
    ['UK_NINO', 'NI number AB 12 34 56 C'],
    ['PASSPORT', 'passport no. 123456789'],
    ['PASSPORT', 'passport AA1234567'],
    ['DATE_OF_BIRTH', 'born 14/03/1985'],
    ['IP_ADDRESS', 'from 192.168.10.1'],
    ['IP_ADDRESS', 'from 2001:db8::8a2e:370:7334'],
    ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS_SECRET_KEY', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ])('%s in %j', (type, text) => {
    expect(types(text)).toContain(type);
  });

  it.each([
    ['checksum-invalid card', '4539 1488 0343 6468'],
    ['unassigned SSN area', '666-12-3456'],
    ['ABA with a wrong check digit', 'routing 021000022'],
    ['IBAN with wrong check digits', 'GB83WEST12345698765432'],
    ['NRIC with a wrong letter', 'S1234567A'],
    ['bank account without a keyword', 'ref 0012345678'],
    ['passport without a keyword', 'ref 123456789'],
    ['date without a keyword', 'shipped 14/03/1985'],
    ['BIC-shaped word without a keyword', 'BUSINESS'],
    ['a time', 'at 12:30:45'],
    ['an impossible IPv4', '999.1.1.1'],
    ['plain prose', 'Somchai paid the invoice in Bangkok'],
  ])('nothing in %s', (_what, text) => {
    expect(types(text)).toEqual([]);
  });

  it('uses the column name as a keyword for every cell', () => {
    expect(types('0012345678')).toEqual([]);
    expect(types('0012345678', 'beneficiary_account')).toEqual(['BANK_ACCOUNT']);
    expect(types('536904399')).not.toContain('US_SSN');
    expect(types('536904399', 'customerSSN')).toEqual(['US_SSN']);
  });

  it('raises the score with context and a checksum', () => {
    const bare = scanner.scan('4539148803436467')[0]!;
    const near = scanner.scan('card 4539148803436467')[0]!;
    expect(bare.validated).toBe(true);
    expect(near.score).toBeGreaterThan(bare.score);
  });

  it('flags published test card numbers', () => {
    expect(scanner.scan('4111 1111 1111 1111')[0]?.flags).toEqual(['test-number']);
  });

  it('drops denylisted values', () => {
    const s = new Scanner({ denylist: ['4539148803436467'] });
    expect(types('card 4539148803436467', undefined, s)).toEqual([]);
    expect(types('card 5425233430109903', undefined, s)).toEqual(['CREDIT_CARD']);
  });

  it('keeps the best of overlapping matches', () => {
    // Nine digits that pass both the SSN rules and the ABA checksum: the keyword decides.
    expect(types('routing 021100002')).toEqual(['ABA_ROUTING']);
    expect(types('021100002', 'ssn')).toEqual(['US_SSN']);
  });

  it('limits to the requested types', () => {
    expect(types('mail a@b.co, card 4539148803436467', undefined, new Scanner({ types: ['EMAIL'] }))).toEqual(['EMAIL']);
  });
});

describe('user-defined detectors', () => {
  it('runs a pattern with a validator and keywords', () => {
    const employee = defineDetector({
      type: 'EMPLOYEE_ID',
      pattern: /\bEMP-\d{6}\b/g,
      validate: (m) => Number(m.slice(4)) % 7 === 0,
      keywords: ['employee'],
      baseScore: 0.3,
      sensitivity: 'internal',
    });
    const s = new Scanner({ extraDetectors: [employee] });
    expect(types('employee EMP-000007', undefined, s)).toEqual(['EMPLOYEE_ID']);
    expect(types('EMP-000007', undefined, s)).toEqual([]); // 0.3 + 0.1 without the keyword
    expect(types('employee EMP-000008', undefined, s)).toEqual([]); // fails validation
  });
  it('refuses a text pattern without the g flag, and scores outside 0–1', () => {
    expect(() => defineDetector({ type: 'X', pattern: /x/ })).toThrow(/global/);
    expect(() => defineDetector({ type: 'X', pattern: /x/g, baseScore: 2 })).toSatisfy(() => true);
    try {
      defineDetector({ type: 'X', pattern: /x/g, baseScore: 2 });
      expect.unreachable();
    } catch (e) {
      expect(isLakeError(e, 'VALIDATION')).toBe(true);
    }
  });
  it('a validator that throws counts as a failed validation', () => {
    const s = new Scanner({ detectors: [defineDetector({ type: 'T', pattern: /T\d+/g, validate: () => { throw new Error('boom'); } })] });
    expect(s.scan('T123')).toEqual([]);
  });
});

describe('fuzz', () => {
  it('never throws, and every finding lies inside the value with a score in [threshold, 1]', { timeout: 60_000 }, () => {
    const alphabet = fc.constantFrom(...'0123456789 -./()+@:ABCDEFGKMSTZabcxyz_\n\u0E01é'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(alphabet, { maxLength: 300 }).map((a) => a.join('')), fc.string({ unit: 'binary', maxLength: 100 })), fc.constantFrom('memo', 'card_number', 'ssn', 'x'), (text, column) => {
        const found = scanner.scan(text, scanner.columnContext(column));
        for (const f of found) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeLessThanOrEqual(text.length);
          expect(f.score).toBeGreaterThanOrEqual(scanner.threshold);
          expect(f.score).toBeLessThanOrEqual(1);
        }
        for (let i = 1; i < found.length; i++) expect(found[i]!.start).toBeGreaterThanOrEqual(found[i - 1]!.end);
      }),
      { numRuns: 1000 },
    );
  });
  it('every built-in detector has a description, keywords in lowercase and a sensitivity', () => {
    for (const d of BUILTIN_DETECTORS) {
      expect(d.description.length).toBeGreaterThan(10);
      expect(d.keywords.every((k) => k === k.toLowerCase())).toBe(true);
      expect(['public', 'internal', 'confidential', 'restricted']).toContain(d.sensitivity);
    }
  });
});
