import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FF1 } from '../../../src/classification/index.js';
import { isLakeError as isErr } from '../../../src/errors.js';

const hex = (h: string) => new Uint8Array((h.match(/../g) ?? []).map((x) => parseInt(x, 16)));
const K128 = '2B7E151628AED2A6ABF7158809CF4F3C';
const K192 = `${K128}EF4359D8D580AA4F`;
const K256 = `${K192}7F036D6F04FC6A94`;
const DIG = '0123456789';
const B36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** NIST SP 800-38G FF1 samples 1–9 (csrc.nist.gov, "FF1samples.pdf"). */
const NIST_FF1 = [
  { sample: 1, key: K128, tweak: '', alphabet: DIG, pt: '0123456789', ct: '2433477484' },
  { sample: 2, key: K128, tweak: '39383736353433323130', alphabet: DIG, pt: '0123456789', ct: '6124200773' },
  { sample: 3, key: K128, tweak: '3737373770717273373737', alphabet: B36, pt: '0123456789abcdefghi', ct: 'a9tv40mll9kdu509eum' },
  { sample: 4, key: K192, tweak: '', alphabet: DIG, pt: '0123456789', ct: '2830668132' },
  { sample: 5, key: K192, tweak: '39383736353433323130', alphabet: DIG, pt: '0123456789', ct: '2496655549' },
  { sample: 6, key: K192, tweak: '3737373770717273373737', alphabet: B36, pt: '0123456789abcdefghi', ct: 'xbj3kv35jrawxv32ysr' },
  { sample: 7, key: K256, tweak: '', alphabet: DIG, pt: '0123456789', ct: '6657667009' },
  { sample: 8, key: K256, tweak: '39383736353433323130', alphabet: DIG, pt: '0123456789', ct: '1001623463' },
  { sample: 9, key: K256, tweak: '3737373770717273373737', alphabet: B36, pt: '0123456789abcdefghi', ct: 'xs8a0azh2avyalyzuwd' },
];

describe('FF1 (NIST SP 800-38G)', () => {
  it.each(NIST_FF1)('sample $sample encrypts and decrypts as NIST publishes', async (v) => {
    const ff1 = await FF1.create(hex(v.key), v.alphabet.length);
    expect(await ff1.encryptText(v.pt, v.alphabet, hex(v.tweak))).toBe(v.ct);
    expect(await ff1.decryptText(v.ct, v.alphabet, hex(v.tweak))).toBe(v.pt);
  });

  it('decrypt inverts encrypt for any key, tweak, radix and length in the domain', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ maxLength: 20 }),
        fc.integer({ min: 2, max: 64 }),
        fc.integer({ min: 0, max: 0x7fffffff }),
        async (key, tweak, radix, seed) => {
          const minLen = Math.max(2, Math.ceil(Math.log(1_000_000) / Math.log(radix)));
          const len = minLen + (seed % 12);
          const x = Array.from({ length: len }, (_, i) => (seed * (i + 7) + i * i) % radix);
          const ff1 = await FF1.create(key, radix);
          const y = await ff1.encrypt(x, tweak);
          expect(y).toHaveLength(len);
          expect(y.every((d) => d >= 0 && d < radix)).toBe(true);
          expect(await ff1.decrypt(y, tweak)).toEqual(x);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses inputs outside the domain and bad keys with ValidationError', async () => {
    const ff1 = await FF1.create(hex(K128), 10);
    await expect(ff1.encrypt([1, 2, 3, 4, 5])).rejects.toSatisfy((e) => isErr(e, 'VALIDATION'));
    await expect(ff1.encrypt([1, 2, 3, 4, 5, 6, 7, 10])).rejects.toSatisfy((e) => isErr(e, 'VALIDATION'));
    await expect(FF1.create(new Uint8Array(15), 10)).rejects.toSatisfy((e) => isErr(e, 'VALIDATION'));
    await expect(FF1.create(hex(K128), 1)).rejects.toSatisfy((e) => isErr(e, 'VALIDATION'));
  });
});
