/**
 * Pharmacogenomics through the HTTP service as an EHR calls it: real in-process scorer (the IWPC
 * ONNX model included), prefetch holding genomic Observations in the forms EHRs file them, draft
 * orders in context. Covers the CPIC activity-score boundaries end to end (diplotype text ->
 * phenotype -> card), both VKORC1 notations, no-result and indeterminate cases, bound actions, and
 * the order-select -> order-sign de-duplication (with its window).
 */
import { randomUUID } from 'node:crypto';
import { cdsResponseSchema } from '@prognos/contracts';
import { createInProcessScorer, loadScorerConfig, type InProcessScorer } from '@prognos/scorer';
import { genotypeObservation, labTextObservation, variantObservation } from '../../libs/fhir-features/src/pgx/genomic-observations';
import { generatePatient } from '@prognos/fhir-features';
import { startFhirTestServer, type FhirTestServer } from '../fhir-server/fhir-test-server';
import { postJson, startTestApp, type Running } from './support/harness';

const PATIENT_ID = 'pgx-patient-1';
const AS_OF = new Date('2025-06-01T12:00:00Z');
const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm';

type Obs = Record<string, unknown>;
const bundle = (resources: Obs[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });

function patient(extra: Obs = {}): Obs {
  // 60 years old at AS_OF; OMB race White (IWPC reference race).
  return {
    resourceType: 'Patient', id: PATIENT_ID, gender: 'male', birthDate: '1965-01-15',
    extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race', extension: [{ url: 'ombCategory', valueCoding: { system: 'urn:oid:2.16.840.1.113883.6.238', code: '2106-3', display: 'White' } }] }],
    ...extra,
  };
}

const vital = (code: string, value: number, unit: string): Obs => ({
  resourceType: 'Observation', status: 'final', effectiveDateTime: '2025-05-01', code: { coding: [{ system: 'http://loinc.org', code }] },
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
});

const condition = (code: string): Obs => ({
  resourceType: 'Condition', clinicalStatus: { coding: [{ code: 'active' }] }, verificationStatus: { coding: [{ code: 'confirmed' }] },
  code: { coding: [{ system: 'http://snomed.info/sct', code }] }, onsetDateTime: '2025-04-01', subject: { reference: `Patient/${PATIENT_ID}` },
});

function draft(id: string, rxcui: string, display: string, doseMg?: number, perDay = 1): Obs {
  const r: Obs = {
    resourceType: 'MedicationRequest', id, status: 'draft', intent: 'order',
    medicationCodeableConcept: { coding: [{ system: RX, code: rxcui, display }], text: display },
    subject: { reference: `Patient/${PATIENT_ID}` },
  };
  if (doseMg !== undefined) {
    r.dosageInstruction = [{ timing: { repeat: { frequency: perDay, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: doseMg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }] }];
  }
  return r;
}

const CLOPIDOGREL = () => draft('draft-clop', '32968', 'clopidogrel 75 MG Oral Tablet', 75);
const CODEINE = () => draft('draft-cod', '2670', 'codeine sulfate 30 MG Oral Tablet', 30, 4);
const CAPECITABINE = () => draft('draft-cape', '194000', 'capecitabine 500 MG Oral Tablet', 1500, 2);
const WARFARIN = () => draft('draft-warf', '855332', 'Warfarin Sodium 5 MG Oral Tablet', 5);
const ABACAVIR = () => draft('draft-aba', '190521', 'abacavir 300 MG Oral Tablet', 300, 2);

describe('pharmacogenomics services over HTTP', () => {
  let scorer: InProcessScorer;
  let app: Running;
  let now = AS_OF;

  beforeAll(async () => {
    scorer = await createInProcessScorer(loadScorerConfig({}));
    app = await startTestApp({ engine: scorer, services: scorer.services(), now: () => now, env: { HOOK_DEADLINE_MS: '20000', ALERT_DEDUP_WINDOW_S: '600' } });
  });
  afterAll(async () => {
    await app?.close();
    await scorer?.close();
  });
  beforeEach(() => { now = AS_OF; });

  async function call(service: string, hook: 'order-sign' | 'order-select', genomics: Obs[], drafts: Obs[], opts: { conditions?: Obs[]; selections?: string[]; patient?: Obs } = {}) {
    const context: Obs = { userId: 'Practitioner/example', patientId: PATIENT_ID, draftOrders: { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) } };
    if (opts.selections) context.selections = opts.selections;
    const res = await postJson(`${app.url}/cds-services/${service}`, {
      hookInstance: randomUUID(), hook, context,
      prefetch: {
        patient: opts.patient ?? patient(),
        genomics: bundle(genomics),
        geneticsLabs: bundle([]),
        vitals: bundle([vital('8302-2', 170, 'cm'), vital('29463-7', 80, 'kg')]),
        conditions: bundle(opts.conditions ?? [condition('22298006')]),
        medications: bundle([]),
      },
    });
    expect(res.status).toBe(200);
    expect(cdsResponseSchema.safeParse(res.body).success).toBe(true);
    return res.body as { cards: { summary: string; indicator: string; detail?: string; source: { url?: string }; suggestions?: { label: string; actions?: { type: string; resourceId?: string; resource?: Obs }[] }[] }[] };
  }
  const sign = (genomics: Obs[], drafts: Obs[], opts?: Parameters<typeof call>[4]) => call('pharmacogenomics', 'order-sign', genomics, drafts, opts);

  it('CYP2C19 *2/*2 with clopidogrel after an MI: replace with ticagrelor (delete bound to the draft + create)', async () => {
    const { cards } = await sign([genotypeObservation('CYP2C19', '*2/*2')], [CLOPIDOGREL()]);
    expect(cards).toHaveLength(1);
    expect(cards[0]!.summary).toMatch(/^Clopidogrel: CYP2C19 poor metabolizer; CPIC: use an alternative \(strong\)/);
    expect(cards[0]!.detail).toContain('CYP2C19 *2/*2 (2024-03-01)');
    const [replace] = cards[0]!.suggestions!;
    expect(replace!.actions!.map((a) => a.type)).toEqual(['delete', 'create']);
    expect(replace!.actions![0]!.resourceId).toBe('MedicationRequest/draft-clop');
    expect(replace!.actions![1]!.resource).toMatchObject({ resourceType: 'MedicationRequest', status: 'draft', subject: { reference: `Patient/${PATIENT_ID}` } });
  });

  it('CYP2C19 *1/*1 with clopidogrel: no card', async () => {
    expect((await sign([genotypeObservation('CYP2C19', '*1/*1')], [CLOPIDOGREL()])).cards).toEqual([]);
  });

  it('an unknown allele gives an indeterminate info card, never silence as if normal', async () => {
    const { cards } = await sign([genotypeObservation('CYP2C19', '*1/*38')], [CLOPIDOGREL()]);
    expect(cards.map((c) => c.indicator)).toEqual(['info']);
    expect(cards[0]!.summary).toContain('indeterminate');
  });

  // CYP2D6 activity-score boundaries (CPIC 2021): 0 | 0.25 ... 1 | 1.25 ... 2.25 | 2.5
  it.each([
    ['*4/*4', 0, true], ['*4/*10', 0.25, false], ['*1/*4', 1, false], ['*1/*10', 1.25, false],
    ['*2xN/*10', 2.25, false], ['*1x2/*41', 2.5, true],
  ])('codeine with CYP2D6 %s (AS %s): card %s', async (diplotype, as, expected) => {
    const { cards } = await sign([labTextObservation('CYP2D6 genotype', diplotype)], [CODEINE()]);
    expect(cards.length).toBe(expected ? 1 : 0);
    if (expected) expect(cards[0]!.summary).toContain(`activity score ${as}`);
  });

  // DPYD activity-score boundaries (CPIC 2017): 2 | 1.5 ... 1 | 0.5 ... 0
  it.each([
    ['Reference/Reference', '-'], ['c.2846A>T/Reference', 'moderate'], ['c.1905+1G>A/Reference', 'strong'],
    ['c.1905+1G>A/c.2846A>T', 'critical'], ['c.1905+1G>A/c.1679T>G', 'critical'],
  ])('capecitabine with DPYD %s: %s', async (diplotype, expected) => {
    const { cards } = await sign([genotypeObservation('DPYD', diplotype)], [CAPECITABINE()]);
    if (expected === '-') return expect(cards).toEqual([]);
    if (expected === 'critical') return expect(cards.map((c) => c.indicator)).toEqual(['critical']);
    expect(cards[0]!.summary).toContain(`(${expected})`);
    const update = cards[0]!.suggestions![0]!.actions![0]!;
    expect(update.type).toBe('update');
    expect(update.resource).toMatchObject({ id: 'draft-cape', dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 750 } }] }] });
  });

  it('abacavir without an HLA-B*57:01 result: order the test; positive: critical', async () => {
    const none = await sign([], [ABACAVIR()]);
    expect(none.cards[0]!.suggestions![0]!.actions![0]!.resource).toMatchObject({ resourceType: 'ServiceRequest', code: { text: 'HLA-B*57:01 genotyping' } });
    const pos = await sign([labTextObservation('HLA-B*57:01', 'Positive')], [ABACAVIR()]);
    expect(pos.cards.map((c) => c.indicator)).toEqual(['critical']);
  });

  it('warfarin: the same IWPC dose whichever VKORC1 notation the laboratory used (rs9923231 C/T = -1639 G/A)', async () => {
    const cyp = genotypeObservation('CYP2C9', '*1/*1');
    const summaries: string[] = [];
    for (const vk of [
      labTextObservation('VKORC1 rs9923231', 'C/T'),
      labTextObservation('VKORC1 -1639G>A', 'G/A'),
      variantObservation('VKORC1', 'rs9923231', 'heterozygous'),
    ]) {
      const { cards } = await sign([cyp, vk], [WARFARIN()]);
      expect(cards).toHaveLength(1);
      summaries.push(cards[0]!.summary);
    }
    // IWPC (hand calculation, iwpc-warfarin.test.ts): 60 y, 170 cm, 80 kg, A/G, *1/*1, White -> 32.16 mg/week.
    expect(summaries[0]).toBe('Warfarin: genotype-guided dose 32.2 mg/week (≈4.5 mg/day, IWPC); ordered 5 mg/day');
    expect(new Set(summaries).size).toBe(1);
  });

  it('warfarin, African ancestry without CYP2C9 *5/*6/*8/*11 tested: dose clinically (CPIC 2017)', async () => {
    const black = patient({ extension: [{ url: 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-race', extension: [{ url: 'ombCategory', valueCoding: { code: '2054-5' } }] }] });
    const { cards } = await sign([genotypeObservation('CYP2C9', '*1/*1'), labTextObservation('VKORC1 rs9923231', 'C/T')], [WARFARIN()], { patient: black });
    expect(cards[0]!.summary).toContain('dose clinically');
    expect(cards[0]!.suggestions).toBeUndefined();
  });

  it('does not repeat at order-sign an alert shown at order-select for the same draft, within the window', async () => {
    const genomics = [genotypeObservation('CYP2C19', '*1/*2')];
    const clop = CLOPIDOGREL();
    const selected = await call('pharmacogenomics-select', 'order-select', genomics, [clop], { selections: ['MedicationRequest/draft-clop'] });
    expect(selected.cards).toHaveLength(1);
    now = new Date(AS_OF.getTime() + 60_000);
    expect((await sign(genomics, [clop])).cards).toEqual([]);
    // Another draft of the same drug is a new decision: shown.
    expect((await sign(genomics, [{ ...clop, id: 'draft-clop-2' }])).cards).toHaveLength(1);
    // After the window (600 s here) the alert is shown again.
    now = new Date(AS_OF.getTime() + 601_000);
    expect((await sign(genomics, [clop])).cards).toHaveLength(1);
  });

  it('order-select checks only the selected draft', async () => {
    const { cards } = await call('pharmacogenomics-select', 'order-select', [genotypeObservation('CYP2C19', '*2/*2')], [CLOPIDOGREL(), ABACAVIR()], { selections: ['MedicationRequest/draft-aba'] });
    expect(cards.map((c) => c.summary)).toEqual([expect.stringContaining('Abacavir: no HLA-B*57:01 result')]);
  });
});

describe('pharmacogenomics over HTTP with the record on a real FHIR server (prefetch templates as queries)', () => {
  let scorer: InProcessScorer;
  let fhir: FhirTestServer;
  let app: Running;
  let patientId: string;

  beforeAll(async () => {
    scorer = await createInProcessScorer(loadScorerConfig({}));
    fhir = await startFhirTestServer();
    // A generated patient of the pgx profile: Genomics IG genotypes, VKORC1 as GE-section lab text, height, weight.
    patientId = await fhir.loadBundle(generatePatient({ seed: 7, profile: 'pgx', targetResources: 300 }) as never);
    app = await startTestApp({
      engine: scorer, services: scorer.services(), now: () => new Date('2025-06-30T00:00:00Z'),
      env: { DEV_FHIR_SERVERS: fhir.baseUrl, HOOK_DEADLINE_MS: '20000', FHIR_QUERY_TIMEOUT_MS: '15000' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await fhir?.close();
    await scorer?.close();
  });

  it('fetches genotypes, vitals, conditions and medications and answers the IWPC warfarin dose', async () => {
    const res = await postJson(`${app.url}/cds-services/pharmacogenomics`, {
      hookInstance: randomUUID(), hook: 'order-sign', fhirServer: fhir.baseUrl,
      context: {
        userId: 'Practitioner/example', patientId,
        draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { ...WARFARIN(), subject: { reference: `Patient/${patientId}` } } }] },
      },
    });
    expect(res.status).toBe(200);
    const cards = (res.body as { cards: { summary: string; detail?: string }[] }).cards;
    expect(cards.map((c) => c.summary)).toEqual([expect.stringMatching(/^Warfarin: genotype-guided dose \d+(\.\d)? mg\/week/)]);
    expect(cards[0]!.detail).toMatch(/VKORC1 [CT]\/[CT]/);
    const asked = fhir.requests.map((r) => r.path);
    expect(asked.filter((p) => p === 'Observation').length).toBeGreaterThanOrEqual(3); // genomics, geneticsLabs, vitals
  });
});
