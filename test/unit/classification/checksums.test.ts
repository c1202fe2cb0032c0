import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abaValid, bicValid, cardIssuer, ibanValid, IBAN_LENGTHS, luhnCheckDigit, luhnValid, mod97, ninoValid, nricCheckLetter, nricValid, ssnValid, thaiIdCheckDigit, thaiIdValid,
} from '../../../src/classification/index.js';

const digits = (min: number, max = min) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** Every way to change exactly one digit of `s`. */
function singleDigitChanges(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i]! < '0' || s[i]! > '9') continue;
    for (let d = 0; d <= 9; d++) if (String(d) !== s[i]) out.push(s.slice(0, i) + d + s.slice(i + 1));
  }
  return out;
}

const validCard = fc.tuple(fc.constantFrom('4', '51', '55', '2221', '34', '37', '6011', '3530'), digits(20)).map(([p, rest]) => {
  const len = p === '34' || p === '37' ? 15 : 16;
  const payload = (p + rest).slice(0, len - 1);
  return payload + luhnCheckDigit(payload);
});
const validAba = fc.tuple(fc.constantFrom('01', '12', '21', '32', '61', '72', '80', '05'), digits(6)).map(([p, r]) => {
  const body = p + r;
  const w = [3, 7, 1, 3, 7, 1, 3, 7];
  const s = [...body].reduce((acc, c, i) => acc + Number(c) * w[i]!, 0);
  return body + ((10 - (s % 10)) % 10);
});
const validIban = fc.tuple(fc.constantFrom(...Object.keys(IBAN_LENGTHS)), digits(30)).map(([cc, r]) => {
  const bban = r.slice(0, IBAN_LENGTHS[cc]! - 4);
  return cc + String(98 - mod97(bban + cc + '00')).padStart(2, '0') + bban;
});
const validThai = fc.tuple(fc.integer({ min: 1, max: 8 }), digits(11)).map(([f, r]) => `${f}${r}${thaiIdCheckDigit(`${f}${r}`)}`);
const validNric = fc.tuple(fc.constantFrom('S', 'T', 'F', 'G', 'M'), digits(7)).map(([p, d]) => p + d + nricCheckLetter(p, d)!);

describe('Luhn and card issuers', () => {
  it('every generated card validates; any single-digit change fails', () => {
    fc.assert(
      fc.property(validCard, (card) => {
        expect(luhnValid(card)).toBe(true);
        expect(cardIssuer(card)).toBeDefined();
        for (const c of singleDigitChanges(card)) expect(luhnValid(c)).toBe(false);
      }),
    );
  });
  it('knows the networks by prefix and length', () => {
    expect(cardIssuer('4111111111111111')).toBe('visa');
    expect(cardIssuer('5555555555554444')).toBe('mastercard');
    expect(cardIssuer('2223003122003222')).toBe('mastercard');
    expect(cardIssuer('378282246310005')).toBe('amex');
    expect(cardIssuer('6011111111111117')).toBe('discover');
    expect(cardIssuer('3530111333300000')).toBe('jcb');
    expect(cardIssuer('1234567812345670')).toBeUndefined();
    expect(cardIssuer('41111111111111')).toBeUndefined(); // visa has no 14-digit numbers
  });
});

describe('ABA routing numbers (3-7-1)', () => {
  it('every generated number validates; any single-digit change fails', () => {
    fc.assert(
      fc.property(validAba, (aba) => {
        expect(abaValid(aba)).toBe(true);
        for (const c of singleDigitChanges(aba)) expect(abaValid(c)).toBe(false);
      }),
    );
  });
  it('accepts real routing numbers and refuses bad prefixes', () => {
    expect(abaValid('021000021')).toBe(true); // JPMorgan Chase NY
    expect(abaValid('011000015')).toBe(true); // Federal Reserve Boston
    expect(abaValid('131000012')).toBe(false); // prefix 13 is not assigned
    expect(abaValid('02100002')).toBe(false);
  });
});

describe('IBAN (registry lengths, MOD 97-10)', () => {
  it('every generated IBAN validates; any single-digit change fails', () => {
    fc.assert(
      fc.property(validIban, (iban) => {
        expect(ibanValid(iban)).toBe(true);
        for (const c of singleDigitChanges(iban)) expect(ibanValid(c)).toBe(false);
      }),
    );
  });
  it('checks the length per country', () => {
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('GB82WEST1234569876543')).toBe(false);
    expect(ibanValid('XX82WEST12345698765432')).toBe(false);
  });
});

describe('Thai national ID (mod 11)', () => {
  it('every generated ID validates; any change of the check digit fails', () => {
    fc.assert(
      fc.property(validThai, (id) => {
        expect(thaiIdValid(id)).toBe(true);
        for (const c of singleDigitChanges(id.slice(12))) expect(thaiIdValid(id.slice(0, 12) + c)).toBe(false);
      }),
    );
  });
  it('catches every single-digit change of the payload except where the scheme cannot (weight 11, or residues 0 and 10 sharing check digit 1)', () => {
    const residue = (p: string) => [...p].reduce((acc, c, i) => acc + Number(c) * (13 - i), 0) % 11;
    fc.assert(
      fc.property(validThai, (id) => {
        for (const c of singleDigitChanges(id.slice(0, 12))) {
          const changed = c + id[12];
          if (!thaiIdValid(changed) || c[0] === '0' || c[0] === '9') continue;
          const pos = [...c].findIndex((ch, i) => ch !== id[i]);
          const pair = [residue(id.slice(0, 12)), residue(c)].sort((a, b) => a - b).join(',');
          expect(pos === 2 || pair === '0,10').toBe(true);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('Singapore NRIC / FIN', () => {
  it('every generated NRIC/FIN validates; any single-digit change fails', () => {
    fc.assert(
      fc.property(validNric, (id) => {
        expect(nricValid(id)).toBe(true);
        for (const c of singleDigitChanges(id)) expect(nricValid(c)).toBe(false);
      }),
    );
  });
  it('uses the series tables, including the M series', () => {
    expect(nricValid('S1234567D')).toBe(true);
    expect(nricValid('T1234567J')).toBe(true);
    expect(nricValid('F1234567N')).toBe(true);
    expect(nricValid('G1234567X')).toBe(true);
    expect(nricValid('M1234567K')).toBe(true);
    expect(nricValid('S1234567A')).toBe(false);
  });
});

describe('US SSN issuance rules', () => {
  it('accepts issued ranges and refuses the never-issued ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 899 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }), (a, g, s) => {
        const ssn = String(a).padStart(3, '0') + String(g).padStart(2, '0') + String(s).padStart(4, '0');
        expect(ssnValid(ssn)).toBe(a !== 666 && !['078051120', '219099999', '123456789'].includes(ssn));
      }),
    );
    for (const bad of ['000123456', '666123456', '900123456', '999123456', '123006789', '123450000', '12345678']) expect(ssnValid(bad)).toBe(false);
  });
});

describe('UK NINO and SWIFT/BIC', () => {
  it('applies the HMRC prefix rules', () => {
    expect(ninoValid('AB123456C')).toBe(true);
    for (const bad of ['QQ123456C', 'BG123456A', 'GB123456A', 'DA123456A', 'AO123456A', 'AB123456E']) expect(ninoValid(bad)).toBe(false);
  });
  it('checks the BIC country', () => {
    expect(bicValid('DEUTDEFF')).toBe(true);
    expect(bicValid('BKKBTHBK')).toBe(true);
    expect(bicValid('DEUTDEFF500')).toBe(true);
    expect(bicValid('DEUTXXFF')).toBe(false);
    expect(bicValid('DEUTDEF')).toBe(false);
  });
});
