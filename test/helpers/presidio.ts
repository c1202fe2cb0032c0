/**
 * Microsoft Presidio (presidio-analyzer from PyPI, in the test-peer venv) run
 * on lakekit's labelled benchmark cells, for the classification benchmark
 * and its interop test.
 *
 * Configuration (nothing is downloaded at run time): no spaCy model — the NLP
 * engine is Presidio's `SpacyNlpEngine` holding a blank `spacy.blank('en')`
 * pipeline (tokenizer only, no NER, no lemmas), and the registry holds
 * Presidio's pattern recognizers for the types lakekit detects: credit card,
 * US SSN, ABA routing, IBAN, email, phone (phonenumbers; regions US, GB, TH,
 * SG), IP, SG NRIC/FIN, UK NINO, Thai TNIN, US/UK passport, US bank number and
 * date. The column name is passed as Presidio's `context` words, as lakekit
 * uses it. Presidio returns every result with its score; thresholds are applied
 * by the caller.
 */
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJson, runPython } from './peers.js';

/** lakekit type ← Presidio entity. */
export const PRESIDIO_ENTITY_TO_LAKEKIT: Readonly<Record<string, string>> = {
  CREDIT_CARD: 'CREDIT_CARD',
  US_SSN: 'US_SSN',
  ABA_ROUTING_NUMBER: 'ABA_ROUTING',
  IBAN_CODE: 'IBAN',
  EMAIL_ADDRESS: 'EMAIL',
  PHONE_NUMBER: 'PHONE',
  IP_ADDRESS: 'IP_ADDRESS',
  SG_NRIC_FIN: 'SG_NRIC_FIN',
  UK_NINO: 'UK_NINO',
  TH_TNIN: 'TH_NATIONAL_ID',
  US_PASSPORT: 'PASSPORT',
  UK_PASSPORT: 'PASSPORT',
  US_BANK_NUMBER: 'BANK_ACCOUNT',
  DATE_TIME: 'DATE_OF_BIRTH',
};

/** lakekit types Presidio has a recognizer for. */
export const PRESIDIO_TYPES: readonly string[] = [...new Set(Object.values(PRESIDIO_ENTITY_TO_LAKEKIT))];

const SCRIPT = `
import json, sys, time, importlib.metadata
import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    AbaRoutingRecognizer, CreditCardRecognizer, DateRecognizer, EmailRecognizer, IbanRecognizer, IpRecognizer,
    PhoneRecognizer, SgFinRecognizer, ThTninRecognizer, UkNinoRecognizer, UkPassportRecognizer, UsBankRecognizer,
    UsPassportRecognizer, UsSsnRecognizer)

class BlankSpacyEngine(SpacyNlpEngine):
    """Presidio's spaCy engine over spacy.blank('en'): a tokenizer, no downloaded model."""
    def __init__(self):
        super().__init__(models=[{"lang_code": "en", "model_name": "blank:en"}])
    def load(self):
        self.nlp = {"en": spacy.blank("en")}

engine = BlankSpacyEngine()
engine.load()
registry = RecognizerRegistry(supported_languages=["en"])
for r in [CreditCardRecognizer(), UsSsnRecognizer(), AbaRoutingRecognizer(), IbanRecognizer(), EmailRecognizer(),
          PhoneRecognizer(supported_regions=("US", "GB", "TH", "SG")), IpRecognizer(), SgFinRecognizer(), UkNinoRecognizer(),
          ThTninRecognizer(), UsPassportRecognizer(), UkPassportRecognizer(), UsBankRecognizer(), DateRecognizer()]:
    registry.add_recognizer(r)
analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry, supported_languages=["en"])
entities = sorted({e for r in registry.recognizers for e in r.supported_entities})

cells = json.load(open(sys.argv[1]))
out = []
t0 = time.perf_counter()
c0 = time.process_time()
for c in cells:
    words = [w for w in c["column"].replace("-", "_").split("_") if w]
    res = analyzer.analyze(text=c["value"], language="en", entities=entities, context=words)
    out.append([[r.entity_type, r.start, r.end, r.score] for r in res])
elapsed = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({"results": out, "seconds": elapsed, "cpuSeconds": cpu, "version": importlib.metadata.version("presidio-analyzer"), "spacy": spacy.__version__, "entities": entities}))
`;

/** One Presidio result: entity, start, end, score. */
export type PresidioResult = [string, number, number, number];

/** What {@link runPresidio} returns. */
export interface PresidioRun {
  results: PresidioResult[][];
  /** Wall and CPU seconds of the analysis loop alone (engine set-up excluded). */
  seconds: number;
  cpuSeconds: number;
  version: string;
  spacy: string;
  entities: string[];
}

/** Run Presidio over `cells` (column + value) in the venv. */
export async function runPresidio(cells: readonly { column: string; value: string }[]): Promise<PresidioRun> {
  const dir = await mkdtemp(join(tmpdir(), 'lakekit-presidio-'));
  try {
    const file = join(dir, 'cells.json');
    await writeFile(file, JSON.stringify(cells.map((c) => ({ column: c.column, value: c.value }))));
    const result = await runPython(SCRIPT, [file], {}, { timeoutMs: 1_800_000 });
    return lastJson<PresidioRun>(result);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * lakekit types Presidio reports for one cell at `threshold`: results mapped to
 * lakekit names, overlapping results resolved to the highest score (as
 * lakekit's scanner and Presidio's anonymizer do).
 */
export function presidioTypes(results: readonly PresidioResult[], threshold: number): string[] {
  const kept: PresidioResult[] = [];
  for (const r of [...results].filter((x) => x[3] >= threshold && PRESIDIO_ENTITY_TO_LAKEKIT[x[0]] !== undefined).sort((a, b) => b[3] - a[3])) {
    if (!kept.some((k) => r[1] < k[2] && k[1] < r[2])) kept.push(r);
  }
  return kept.map((r) => PRESIDIO_ENTITY_TO_LAKEKIT[r[0]]!);
}
