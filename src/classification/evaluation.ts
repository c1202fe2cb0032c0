/**
 * Evaluation: a labelled benchmark generator and precision / recall / F2 per
 * entity type.
 *
 * The generator is seeded (the same seed gives the same cells) and makes, per
 * type: valid values in a column whose name hints at the type; valid values in
 * a neutral column (only for types that identify themselves — keyword-gated
 * types such as bank accounts are unknowable without a hint, as in Macie);
 * checksum-invalid look-alikes (labelled as nothing); random digit strings in
 * neutral columns (labelled as nothing, and drawn so they fail every checksum
 * of their length: a random string that passes one is indistinguishable from
 * a real identifier); and free-text memo fields with identifiers embedded,
 * with and without a keyword next to them.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import { abaValid, IBAN_LENGTHS, luhnCheckDigit, luhnValid, mod97, nricCheckLetter, thaiIdCheckDigit, thaiIdValid } from './detectors/checksums.js';
import type { Scanner } from './scanner.js';
import { seededRandom } from '../internal/random.js';

/** One labelled cell: a value in a named column and the types it truly holds. */
export interface BenchmarkCell {
  column: string;
  value: string;
  labels: string[];
  /** How the cell was made: `valid-hint`, `valid-plain`, `lookalike`, `random`, `memo`. */
  category: string;
}

/** Options of {@link generateBenchmark}. */
export interface BenchmarkOptions {
  /** Cells per type and category. @default 100 */
  perType?: number;
  /** @default 42 */
  seed?: number;
}

/** Precision, recall and F2 of one type (or of all, micro-averaged). */
export interface TypeScore {
  type: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f2: number;
}

/** Scores per type and overall. */
export interface EvaluationReport {
  types: TypeScore[];
  overall: TypeScore;
}

/** F-beta with beta = 2 (recall weighs four times precision). */
export function f2(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
}

function score(type: string, tp: number, fp: number, fn: number): TypeScore {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return { type, tp, fp, fn, precision, recall, f2: f2(precision, recall) };
}

/**
 * Score predictions against labels, cell by cell: a type counts as a true
 * positive in a cell when both the labels and the prediction hold it.
 * `predict` is a lakekit {@link Scanner} or any function of the cell
 * (Presidio's results, mapped to lakekit type names).
 */
export function evaluate(cells: readonly BenchmarkCell[], predict: Scanner | ((cell: BenchmarkCell, index: number) => Iterable<string>), types?: readonly string[]): EvaluationReport {
  const fn =
    typeof predict === 'function'
      ? predict
      : (() => {
          const ctx = new Map<string, ReturnType<Scanner['columnContext']>>();
          return (cell: BenchmarkCell) => {
            let c = ctx.get(cell.column);
            if (!c) ctx.set(cell.column, (c = predict.columnContext(cell.column)));
            return predict.scan(cell.value, c).map((f) => f.type);
          };
        })();
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const wanted = types ? new Set(types) : undefined;
  const get = (t: string) => {
    let c = counts.get(t);
    if (!c) counts.set(t, (c = { tp: 0, fp: 0, fn: 0 }));
    return c;
  };
  for (const t of types ?? []) get(t);
  cells.forEach((cell, i) => {
    const predicted = new Set([...fn(cell, i)].filter((t) => !wanted || wanted.has(t)));
    const truth = new Set(cell.labels.filter((t) => !wanted || wanted.has(t)));
    for (const t of predicted) get(t)[truth.has(t) ? 'tp' : 'fp']++;
    for (const t of truth) if (!predicted.has(t)) get(t).fn++;
  });
  const list = [...counts.entries()].map(([t, c]) => score(t, c.tp, c.fp, c.fn)).sort((a, b) => a.type.localeCompare(b.type));
  const sum = (k: 'tp' | 'fp' | 'fn') => list.reduce((s, x) => s + x[k], 0);
  return { types: list, overall: score('overall', sum('tp'), sum('fp'), sum('fn')) };
}

const NAMES = ['Somchai Jaidee', 'Tan Wei Ming', 'Olivia Smith', 'James Brown', 'Nattaya Srisuk', 'Priya Nair', 'Liam Jones', 'Chen Li', 'Emma Wilson', 'Ahmad Rahman'];
const DOMAINS = ['example.com', 'bank.co.th', 'mail.sg', 'corp.co.uk', 'datax.io'];
const IBAN_COUNTRIES = ['DE', 'GB', 'FR', 'NL', 'CH', 'ES', 'IT', 'BE', 'AT', 'PL', 'SE', 'NO'];
const BIC_COUNTRIES = ['DE', 'GB', 'TH', 'SG', 'US', 'FR', 'CH', 'NL'];
const NINO_FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const NINO_SECOND = 'ABCEGHJKLMNPRSTWXYZ';

/** The generator's value makers. `r` gives [0, 1). */
class Make {
  constructor(readonly r: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  letters(n: number, from = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'): string {
    let s = '';
    for (let i = 0; i < n; i++) s += this.pick([...from]);
    return s;
  }
  cardDigits(): string {
    const [prefix, len] = this.pick<[string, number]>([['4', 16], ['51', 16], ['55', 16], ['2221', 16], ['34', 15], ['37', 15], ['6011', 16], ['3530', 16]]);
    const payload = prefix + this.digits(len - prefix.length - 1);
    return payload + luhnCheckDigit(payload);
  }
  card(plain: boolean): string {
    const d = this.cardDigits();
    if (plain || d.length !== 16) return d;
    const sep = this.pick([' ', '-']);
    return d.match(/.{4}/g)!.join(sep);
  }
  ssnDigits(): string {
    let area = this.int(1, 899);
    if (area === 666) area = 667;
    return String(area).padStart(3, '0') + String(this.int(1, 99)).padStart(2, '0') + String(this.int(1, 9999)).padStart(4, '0');
  }
  ssn(plain: boolean): string {
    const d = this.ssnDigits();
    return plain ? d : `${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`;
  }
  aba(): string {
    const prefix = String(this.pick([this.int(1, 12), this.int(21, 32), this.int(61, 72), 80])).padStart(2, '0');
    const body = prefix + this.digits(6);
    const w = [3, 7, 1, 3, 7, 1, 3, 7];
    let s = 0;
    for (let i = 0; i < 8; i++) s += Number(body[i]) * w[i]!;
    return body + ((10 - (s % 10)) % 10);
  }
  iban(grouped: boolean): string {
    const cc = this.pick(IBAN_COUNTRIES);
    const len = IBAN_LENGTHS[cc]!;
    const bban = cc === 'GB' ? this.letters(4) + this.digits(len - 8) : this.digits(len - 4);
    const check = String(98 - mod97(bban + cc + '00')).padStart(2, '0');
    const iban = cc + check + bban;
    return grouped ? iban.match(/.{1,4}/g)!.join(' ') : iban;
  }
  bic(): string {
    return this.letters(4) + this.pick(BIC_COUNTRIES) + this.letters(1) + this.letters(1, 'ABCDEFGHJKLMNPQRSTUVWXYZ123456789') + (this.r() < 0.5 ? '' : this.letters(3, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'));
  }
  thaiId(grouped: boolean): string {
    const p = String(this.int(1, 8)) + this.digits(11);
    const d = p + thaiIdCheckDigit(p);
    return grouped ? `${d[0]}-${d.slice(1, 5)}-${d.slice(5, 10)}-${d.slice(10, 12)}-${d[12]}` : d;
  }
  nric(): string {
    const prefix = this.pick(['S', 'T', 'F', 'G', 'M']);
    const d = this.digits(7);
    return prefix + d + nricCheckLetter(prefix, d)!;
  }
  nino(spaced: boolean): string {
    let prefix = this.letters(1, NINO_FIRST) + this.letters(1, NINO_SECOND);
    if (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(prefix)) prefix = 'AB';
    const d = this.digits(6);
    const s = this.letters(1, 'ABCD');
    return spaced ? `${prefix} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${s}` : prefix + d + s;
  }
  email(): string {
    const [first, last] = this.pick(NAMES).toLowerCase().split(' ') as [string, string];
    return `${first}.${last}${this.int(1, 99)}@${this.pick(DOMAINS)}`;
  }
  phone(international: boolean): string {
    const country = this.pick(['US', 'UK', 'TH', 'SG']);
    const a = String(this.int(2, 9));
    switch (country) {
      case 'US': {
        const area = a + this.digits(2).replace(/^(\d)1$/, '$12');
        const ex = String(this.int(2, 9)) + this.digits(2);
        return international ? `+1 ${area} ${ex} ${this.digits(4)}` : `(${area}) ${ex}-${this.digits(4)}`;
      }
      case 'UK':
        return international ? `+44 20 ${this.digits(4)} ${this.digits(4)}` : this.pick([`020 ${this.digits(4)} ${this.digits(4)}`, `07${this.digits(3)} ${this.digits(6)}`]);
      case 'TH':
        return international ? `+66 8${this.int(1, 9)} ${this.digits(3)} ${this.digits(4)}` : `08${this.int(1, 9)}-${this.digits(3)}-${this.digits(4)}`;
      default:
        return international ? `+65 ${this.pick(['6', '8', '9'])}${this.digits(3)} ${this.digits(4)}` : `${this.pick(['6', '8', '9'])}${this.digits(3)} ${this.digits(4)}`;
    }
  }
  ipv4(): string {
    return [this.int(1, 223), this.int(0, 255), this.int(0, 255), this.int(1, 254)].join('.');
  }
  ipv6(): string {
    const g = () => this.int(0, 0xffff).toString(16);
    return this.r() < 0.5 ? Array.from({ length: 8 }, g).join(':') : `2001:db8::${g()}:${g()}`;
  }
  dob(): string {
    const y = this.int(1940, 2006);
    const m = this.int(1, 12);
    const d = this.int(1, 28);
    const p = (n: number) => String(n).padStart(2, '0');
    return this.r() < 0.5 ? `${y}-${p(m)}-${p(d)}` : `${p(d)}/${p(m)}/${y}`;
  }
  passport(): string {
    return this.r() < 0.5 ? this.digits(9) : this.letters(this.int(1, 2)) + this.digits(7);
  }
  bankAccount(): string {
    return this.digits(this.int(8, 12));
  }
  awsKeyId(): string {
    return 'AKIA' + this.letters(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
  }
  awsSecret(): string {
    for (;;) {
      const s = this.letters(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
      if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s) && !/(.)\1{5}/.test(s)) return s;
    }
  }
}

/** A type the generator knows: how to make a value, a column name that hints at it, a keyword for memos, and look-alikes. */
interface TypeGen {
  type: string;
  hint: string;
  keyword: string;
  /** Whether a value identifies itself without a hint. */
  selfIdentifying: boolean;
  make: (m: Make, hinted: boolean) => string;
  lookalike?: (m: Make) => string;
}

/** Change one digit so the check fails (the checksum catches any single-digit change). */
function breakDigit(m: Make, value: string, stillValid: (v: string) => boolean): string {
  for (;;) {
    const idx = [...value].flatMap((c, i) => (c >= '0' && c <= '9' ? [i] : []));
    const at = m.pick(idx);
    const next = value.slice(0, at) + String((Number(value[at]) + m.int(1, 9)) % 10) + value.slice(at + 1);
    if (!stillValid(next)) return next;
  }
}

const GENS: readonly TypeGen[] = [
  { type: 'CREDIT_CARD', hint: 'card_number', keyword: 'card', selfIdentifying: true, make: (m, h) => m.card(h && m.r() < 0.5), lookalike: (m) => breakDigit(m, m.card(false), (v) => luhnValid(v.replace(/\D/g, ''))) },
  { type: 'US_SSN', hint: 'ssn', keyword: 'SSN', selfIdentifying: true, make: (m, h) => m.ssn(h && m.r() < 0.5), lookalike: (m) => m.pick(['000', '666', String(m.int(900, 999))]) + '-' + m.digits(2).replace('00', '01') + '-' + m.digits(4).replace('0000', '0001') },
  { type: 'ABA_ROUTING', hint: 'routing_number', keyword: 'routing', selfIdentifying: true, make: (m) => m.aba(), lookalike: (m) => breakDigit(m, m.aba(), abaValid) },
  { type: 'IBAN', hint: 'iban', keyword: 'IBAN', selfIdentifying: true, make: (m) => m.iban(m.r() < 0.5), lookalike: (m) => breakDigit(m, m.iban(false), (v) => mod97(v.slice(4) + v.slice(0, 4)) === 1) },
  { type: 'SWIFT_BIC', hint: 'swift_code', keyword: 'SWIFT', selfIdentifying: false, make: (m) => m.bic() },
  { type: 'BANK_ACCOUNT', hint: 'account_number', keyword: 'account', selfIdentifying: false, make: (m) => m.bankAccount() },
  { type: 'EMAIL', hint: 'email', keyword: 'email', selfIdentifying: true, make: (m) => m.email() },
  { type: 'PHONE', hint: 'phone', keyword: 'call', selfIdentifying: true, make: (m) => m.phone(m.r() < 0.5) },
  { type: 'TH_NATIONAL_ID', hint: 'thai_id', keyword: 'Thai ID', selfIdentifying: true, make: (m) => m.thaiId(m.r() < 0.5), lookalike: (m) => breakDigit(m, m.thaiId(false), thaiIdValid) },
  { type: 'SG_NRIC_FIN', hint: 'nric', keyword: 'NRIC', selfIdentifying: true, make: (m) => m.nric(), lookalike: (m) => { const v = m.nric(); return v.slice(0, 8) + (v[8] === 'A' ? 'B' : 'A'); } },
  { type: 'UK_NINO', hint: 'ni_number', keyword: 'NINO', selfIdentifying: true, make: (m) => m.nino(m.r() < 0.3), lookalike: (m) => m.pick(['QQ', 'BG', 'DA', 'FY']) + m.digits(6) + m.letters(1, 'ABCD') },
  { type: 'PASSPORT', hint: 'passport_no', keyword: 'passport', selfIdentifying: false, make: (m) => m.passport() },
  { type: 'DATE_OF_BIRTH', hint: 'date_of_birth', keyword: 'DOB', selfIdentifying: false, make: (m) => m.dob() },
  { type: 'IP_ADDRESS', hint: 'client_ip', keyword: 'IP', selfIdentifying: true, make: (m) => (m.r() < 0.6 ? m.ipv4() : m.ipv6()) },
  { type: 'AWS_ACCESS_KEY_ID', hint: 'aws_access_key_id', keyword: 'access key', selfIdentifying: true, make: (m) => m.awsKeyId() },
  { type: 'AWS_SECRET_KEY', hint: 'aws_secret_access_key', keyword: 'secret', selfIdentifying: false, make: (m) => m.awsSecret() },
];

/** The types the generator labels. */
export const BENCHMARK_TYPES: readonly string[] = GENS.map((g) => g.type);

const NEUTRAL_COLUMNS = ['value', 'field_7', 'attr', 'data', 'col_b'];
const RANDOM_COLUMNS = ['ref_no', 'order_id', 'amount_cents', 'batch', 'seq'];

/** Whether a digit string passes a checksum that a detector of its length applies (such strings are not drawn as negatives). */
function passesChecksum(d: string): boolean {
  if ((d.length >= 12 && d.length <= 19) && luhnValid(d)) return true;
  if (d.length === 9 && abaValid(d)) return true;
  if (d.length === 13 && thaiIdValid(d)) return true;
  return false;
}

/**
 * Generate a labelled benchmark.
 *
 * @example
 * ```ts
 * const cells = generateBenchmark({ perType: 50, seed: 7 });
 * const report = evaluate(cells, new Scanner());
 * ```
 */
export function generateBenchmark(options: BenchmarkOptions = {}): BenchmarkCell[] {
  const n = options.perType ?? 100;
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(`perType must be a positive integer, got ${n}`);
  const m = new Make(seededRandom(options.seed ?? 42));
  const cells: BenchmarkCell[] = [];
  for (const g of GENS) {
    for (let i = 0; i < n; i++) cells.push({ column: g.hint, value: g.make(m, true), labels: [g.type], category: 'valid-hint' });
    if (g.selfIdentifying) for (let i = 0; i < n; i++) cells.push({ column: m.pick(NEUTRAL_COLUMNS), value: g.make(m, false), labels: [g.type], category: 'valid-plain' });
    if (g.lookalike) {
      for (let i = 0; i < n; i++) cells.push({ column: i % 2 === 0 ? g.hint : m.pick(NEUTRAL_COLUMNS), value: g.lookalike(m), labels: [], category: 'lookalike' });
    }
    // Memo fields: the identifier in a sentence, half with its keyword next to it.
    for (let i = 0; i < n; i++) {
      const withKeyword = !g.selfIdentifying || i % 2 === 0;
      const v = g.make(m, false);
      const name = m.pick(NAMES);
      const text = withKeyword
        ? m.pick([`${name} asked to update ${g.keyword} ${v} on file.`, `Verified ${g.keyword}: ${v} for ${name}`, `Per ${name}, ${g.keyword} is ${v}; ticket closed`])
        : m.pick([`${name} sent ${v} for review`, `Received ${v} from ${name} at branch 12`, `note: ${v} (${name})`]);
      cells.push({ column: 'memo', value: text, labels: [g.type], category: 'memo' });
    }
  }
  // Random digit strings in neutral columns, and memos with numbers that are not identifiers.
  for (let i = 0; i < n * 4; i++) {
    let d: string;
    do d = m.digits(m.int(6, 19));
    while (passesChecksum(d));
    cells.push({ column: m.pick(RANDOM_COLUMNS), value: d, labels: [], category: 'random' });
  }
  for (let i = 0; i < n * 2; i++) {
    let d: string;
    do d = m.digits(m.int(10, 16));
    while (passesChecksum(d));
    cells.push({ column: 'memo', value: `Invoice ${d} paid ${m.int(1, 999)}.${m.digits(2)} THB by ${m.pick(NAMES)} on branch ${m.int(1, 99)}`, labels: [], category: 'memo' });
  }
  return cells;
}
