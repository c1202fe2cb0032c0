/**
 * A deterministic synthetic core-banking extract for `lakekit demo`:
 * customers with PII (CSV), accounts (JSON Lines), transactions (CSV), a
 * DMS-style CDC batch for customers, and a few deliberately bad rows. The
 * same seed always gives the same bytes, which is what makes a second demo
 * run find every file already in bronze.
 */
import { luhnCheckDigit, mod97, nricCheckLetter, thaiIdCheckDigit } from '../../classification/index.js';
import { seededRandom } from '../../internal/random.js';

/** The business day the extract describes (fixed, so reruns produce identical files). */
export const DEMO_BUSINESS_DATE = '2026-11-20';

/** One generated file. */
export interface DemoFile {
  name: string;
  text: string;
}

/** The generated extract plus what the demo expects to find in it. */
export interface DemoExtract {
  customers: DemoFile;
  accounts: DemoFile;
  transactions: DemoFile;
  /** DMS CDC batch for customers: `Op,commit_ts,<customer columns>`, no header. */
  cdc: DemoFile;
  /** The CDC batch id (the DMS file name's timestamp, so ids sort in commit order). */
  cdcBatchId: string;
  counts: { customers: number; accounts: number; transactions: number; cdc: { inserts: number; updates: number; deletes: number } };
  /** Rows a quality rule must reject, per file. */
  badRows: { customers: number; transactions: number };
  /** Lines the CSV reader must report as malformed (they stay in bronze). */
  malformedLines: { transactions: number };
  /** Raw card numbers and SSNs in the extract (tests check none reaches silver or gold). */
  secrets: { cards: string[]; ssns: string[] };
}

/** Customer columns, in the order the CSV and the DMS batch use. */
export const CUSTOMER_COLUMNS = ['customer_id', 'first_name', 'last_name', 'email', 'phone', 'country', 'ssn', 'national_id', 'date_of_birth', 'card_number', 'iban'] as const;

/** The ISO-4217 currencies the demo bank trades in, by country. */
export const DEMO_CURRENCIES = { US: 'USD', UK: 'GBP', TH: 'THB', SG: 'SGD' } as const;
type Country = keyof typeof DEMO_CURRENCIES;

class Gen {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
}

const NAMES: Record<Country, { first: string[]; last: string[]; domain: string }> = {
  US: { first: ['James', 'Mary', 'Robert', 'Linda', 'Michael', 'Susan', 'David', 'Karen'], last: ['Smith', 'Johnson', 'Brown', 'Garcia', 'Miller', 'Davis', 'Wilson'], domain: 'mail.example.com' },
  UK: { first: ['Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Ava', 'Jack'], last: ['Taylor', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright'], domain: 'post.example.co.uk' },
  TH: { first: ['Somchai', 'Malee', 'Niran', 'Kanya', 'Anan', 'Ploy'], last: ['Jaidee', 'Srisuk', 'Wongsa', 'Chaiyaporn', 'Rattana'], domain: 'mail.example.co.th' },
  SG: { first: ['Wei Ming', 'Hui Min', 'Jun Jie', 'Xin Yi', 'Arjun', 'Nur'], last: ['Tan', 'Lim', 'Lee', 'Ng', 'Wong', 'Rahman'], domain: 'inbox.example.sg' },
};
const MERCHANTS = ['Grab', 'Tesco Express', 'Starbucks', 'Amazon', '7-Eleven', 'Shell', 'Uber', 'Central World', 'Marks & Spencer', 'Whole Foods'];

/** A Luhn-valid Visa or Mastercard number. */
export function cardNumber(g: Gen): string {
  const payload = g.next() < 0.5 ? `4${g.digits(14)}` : `5${g.int(1, 5)}${g.digits(13)}`;
  return `${payload}${luhnCheckDigit(payload)}`;
}

/** A GB IBAN with valid MOD 97-10 check digits. */
function iban(g: Gen): string {
  const bban = `${g.pick(['NWBK', 'BARC', 'HBUK', 'LOYD'])}${g.digits(14)}`;
  const check = 98 - mod97(`${bban}GB00`);
  return `GB${String(check).padStart(2, '0')}${bban}`;
}

/** An ABA routing number: a Federal Reserve prefix and the 3-7-1 check digit. */
function abaRouting(g: Gen): string {
  const prefix = String(g.pick([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 21, 22, 26, 31])).padStart(2, '0');
  const body = `${prefix}${g.digits(6)}`;
  const w = [3, 7, 1, 3, 7, 1, 3, 7];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

function ssn(g: Gen): string {
  return `${g.int(100, 665)}-${String(g.int(1, 99)).padStart(2, '0')}-${String(g.int(1, 9999)).padStart(4, '0')}`;
}

function phone(g: Gen, c: Country): string {
  if (c === 'US') return `(${g.int(2, 9)}${g.int(0, 8)}${g.int(0, 9)}) ${g.int(2, 9)}${g.int(2, 9)}${g.int(0, 9)}-${g.digits(4)}`;
  if (c === 'UK') return `07${g.int(4, 9)}${g.digits(2)} ${g.int(1, 9)}${g.digits(5)}`;
  if (c === 'TH') return `0${g.pick(['6', '8', '9'])}${g.int(1, 9)}-${g.digits(3)}-${g.digits(4)}`;
  return `${g.pick(['8', '9'])}${g.digits(3)} ${g.digits(4)}`;
}

function nationalId(g: Gen, c: Country): string {
  if (c === 'TH') {
    const payload = `${g.int(1, 8)}${g.digits(11)}`;
    return `${payload}${thaiIdCheckDigit(payload)}`;
  }
  const prefix = g.pick(['S', 'T']);
  const digits = g.digits(7);
  return `${prefix}${digits}${nricCheckLetter(prefix, digits) ?? 'A'}`;
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csvLine = (xs: readonly (string | number | null)[]) => xs.map(csvField).join(',');

/**
 * Generate the extract. `rows` is the number of transactions; customers are a
 * tenth of that (at least 8), with one or two accounts each.
 */
export function generateExtract(options: { rows: number; seed: number }): DemoExtract {
  const g = new Gen(seededRandom(options.seed));
  const nCustomers = Math.max(8, Math.floor(options.rows / 10));
  const countries = Object.keys(DEMO_CURRENCIES) as Country[];
  const cards: string[] = [];
  const ssns: string[] = [];
  type Customer = { id: number; country: Country; row: (string | number | null)[] };
  const customers: Customer[] = [];
  const makeCustomer = (id: number): Customer => {
    const country = countries[id % countries.length]!;
    const n = NAMES[country];
    const first = g.pick(n.first);
    const last = g.pick(n.last);
    const card = cardNumber(g);
    cards.push(card);
    const s = country === 'US' ? ssn(g) : null;
    if (s !== null) ssns.push(s);
    const email = `${first}.${last}${id}@${n.domain}`.toLowerCase().replace(/\s+/g, '');
    const dob = `${g.int(1950, 2004)}-${String(g.int(1, 12)).padStart(2, '0')}-${String(g.int(1, 28)).padStart(2, '0')}`;
    const cardText = g.next() < 0.5 ? card : card.replace(/(\d{4})(?=\d)/g, '$1 ');
    return {
      id,
      country,
      row: [id, first, last, email, phone(g, country), country, s, country === 'TH' || country === 'SG' ? nationalId(g, country) : null, dob, cardText, country === 'UK' || g.next() < 0.2 ? iban(g) : null],
    };
  };
  for (let i = 1; i <= nCustomers; i++) customers.push(makeCustomer(1000 + i));

  const customerLines = [csvLine(CUSTOMER_COLUMNS), ...customers.map((c) => csvLine(c.row))];
  // Bad: a customer without an id.
  const orphan = makeCustomer(0);
  orphan.row[0] = null;
  customerLines.splice(3, 0, csvLine(orphan.row));

  const accounts: { id: string; customer: Customer; currency: string }[] = [];
  const accountLines: string[] = [];
  for (const c of customers) {
    const n = g.next() < 0.4 ? 2 : 1;
    for (let k = 0; k < n; k++) {
      const id = `AC${String(accounts.length + 1).padStart(6, '0')}`;
      const currency = k === 0 ? DEMO_CURRENCIES[c.country] : 'USD';
      accounts.push({ id, customer: c, currency });
      const opened = `${g.int(2012, 2025)}-${String(g.int(1, 12)).padStart(2, '0')}-${String(g.int(1, 28)).padStart(2, '0')}T${String(g.int(8, 17)).padStart(2, "0")}:${g.int(0, 5)}5:00Z`;
      accountLines.push(JSON.stringify({ account_id: id, customer_id: c.id, routing_number: abaRouting(g), account_number: `${g.int(1, 9)}${g.digits(g.int(9, 11))}`, currency, opened_at: opened, product: g.pick(['checking', 'savings', 'fx-wallet']) }));
    }
  }

  const txHeader = ['transaction_id', 'account_id', 'amount', 'currency', 'ts', 'merchant', 'memo'];
  const txLines = [txHeader.join(',')];
  const day = Date.parse(`${DEMO_BUSINESS_DATE}T00:00:00Z`);
  for (let i = 1; i <= options.rows; i++) {
    const a = g.pick(accounts);
    const ts = new Date(day - g.int(0, 2) * 86_400_000 + g.int(0, 86_399) * 1000).toISOString().replace('.000Z', 'Z');
    const amount = `${g.int(1, 2500)}.${g.digits(2)}`;
    const r = g.next();
    const memo = r < 0.05 ? `refund to card ${cards[customers.indexOf(a.customer)]}` : r < 0.1 ? `call customer on ${phone(g, a.customer.country)}` : r < 0.5 ? `purchase at ${g.pick(MERCHANTS)}` : null;
    txLines.push(csvLine([i, a.id, amount, a.currency, ts, g.pick(MERCHANTS), memo]));
  }
  // Bad rows: each breaks exactly one rule of the transactions rule set.
  const bad = [
    csvLine([null, accounts[0]!.id, '12.00', 'USD', `${DEMO_BUSINESS_DATE}T09:00:00Z`, 'Shell', 'id lost in export']),
    csvLine([options.rows + 1, accounts[0]!.id, '-40.00', 'USD', `${DEMO_BUSINESS_DATE}T09:05:00Z`, 'Shell', 'negative purchase']),
    csvLine([options.rows + 2, accounts[0]!.id, '15.00', 'DOLLARS', `${DEMO_BUSINESS_DATE}T09:10:00Z`, 'Shell', 'currency typo']),
    csvLine([options.rows + 3, accounts[0]!.id, '18.00', 'USD', 'yesterday 25:61', 'Shell', 'clock glitch']),
  ];
  const malformed = `${options.rows + 4},${accounts[0]!.id},9.99,USD,${DEMO_BUSINESS_DATE}T09:20:00Z,Shell,"unbalanced, memo",EXTRA,FIELDS`;
  txLines.splice(5, 0, bad[0]!, bad[1]!);
  txLines.splice(12, 0, bad[2]!, malformed, bad[3]!);

  // CDC: updates (new email and phone), inserts, one delete; ids sort by commit time.
  const cdcLines: string[] = [];
  const commit = (s: number) => `${DEMO_BUSINESS_DATE} 18:00:${String(s).padStart(2, '0')}.000000`;
  let sec = 0;
  const updates = customers.slice(0, 3);
  for (const c of updates) {
    const row = [...c.row];
    row[3] = `${String(row[1]).toLowerCase().replace(/\s+/g, '')}.new${c.id}@${NAMES[c.country].domain}`;
    row[4] = phone(g, c.country);
    cdcLines.push(csvLine(['U', commit(sec++), ...row]));
  }
  const inserts = [makeCustomer(1000 + nCustomers + 1), makeCustomer(1000 + nCustomers + 2)];
  for (const c of inserts) cdcLines.push(csvLine(['I', commit(sec++), ...c.row]));
  const deleted = customers[customers.length - 1]!;
  cdcLines.push(csvLine(['D', commit(sec++), deleted.id, ...CUSTOMER_COLUMNS.slice(1).map(() => null)]));
  const cdcBatchId = `${DEMO_BUSINESS_DATE.replace(/-/g, '')}-180000000`;

  return {
    customers: { name: 'customers.csv', text: `${customerLines.join('\n')}\n` },
    accounts: { name: 'accounts.jsonl', text: `${accountLines.join('\n')}\n` },
    transactions: { name: 'transactions.csv', text: `${txLines.join('\n')}\n` },
    cdc: { name: `${cdcBatchId}.csv`, text: `${cdcLines.join('\n')}\n` },
    cdcBatchId,
    counts: { customers: nCustomers, accounts: accounts.length, transactions: options.rows, cdc: { inserts: inserts.length, updates: updates.length, deletes: 1 } },
    badRows: { customers: 1, transactions: bad.length },
    malformedLines: { transactions: 1 },
    secrets: { cards, ssns },
  };
}
