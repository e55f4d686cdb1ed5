/**
 * Clinical safety screening through the HTTP service as an EHR calls it: the real in-process scorer
 * (real ONNX models), the HTTP app, the record in `prefetch` (one case through the FHIR fallback
 * against a real FHIR server). Every contraindication is tested from both sides: the same patient
 * with it (the drug is not offered, or not pre-selected with a "check first" label) and without it
 * (offered as before).
 */
import { randomUUID } from 'node:crypto';
import type { Bundle } from '@medplum/fhirtypes';
import { cdsResponseSchema } from '@prognos/contracts';
import { createInProcessScorer, loadScorerConfig, type InProcessScorer } from '@prognos/scorer';
import { condition, ICD10, LOINC, medRequest, obs, patient, RXNORM, SNOMED } from '../../libs/fhir-features/src/testing/fixtures';
import { startFhirTestServer, type FhirTestServer } from '../fhir-server/fhir-test-server';
import { postJson, startTestApp, type Running } from './support/harness';

const AS_OF = new Date('2025-06-01T12:00:00Z');
const RECENT = '2025-05-20';
type R = Record<string, unknown>;

interface WireSuggestion { label: string; isRecommended?: boolean; actions?: { type: string; resource?: R; resourceId?: string }[] }
interface WireCard { summary: string; detail?: string; indicator: string; suggestions?: WireSuggestion[] }

const RX = {
  lisinopril10: '314076', losartan50: '979492', dapagliflozin10: '1488569', empagliflozin10: '1545658',
  apixaban5: '1364445', apixaban2_5: '1364435', simvastatin20: '312961', atorvastatin80: '259255', rosuvastatin10: '859747',
} as const;

let seq = 0;
const id = (p: string) => `${p}-${++seq}`;

function allergy(code: { system: string; code: string; display: string }, opts: { angioedema?: boolean; verification?: string } = {}): R {
  return {
    resourceType: 'AllergyIntolerance', id: id('allergy'), patient: { reference: 'Patient/p' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: opts.verification ?? 'confirmed' }] },
    code: { coding: [code], text: code.display }, recordedDate: '2021-04-02',
    ...(opts.angioedema ? { reaction: [{ manifestation: [{ coding: [{ system: SNOMED, code: '41291007', display: 'Angioedema' }] }] }] } : {}),
  };
}

function pregnancyStatus(pregnant: boolean, date = RECENT): R {
  return {
    resourceType: 'Observation', id: id('preg'), status: 'final',
    code: { coding: [{ system: LOINC, code: '82810-3', display: 'Pregnancy status' }] }, effectiveDateTime: date,
    valueCodeableConcept: { coding: [{ system: SNOMED, code: pregnant ? '77386006' : '60001007', display: pregnant ? 'Pregnant' : 'Not pregnant' }] },
  };
}

const potassium = (v: number) => obs('2823-3', v, 'mmol/L', RECENT);
const active = (display: string, rxcui?: string) => medRequest(rxcui, display, '2025-03-01');

/** Resources keyed the way an EHR fills prefetch templates: every key gets the resources of its type. */
function prefetchFor(templates: Record<string, string>, resources: R[]): R {
  const out: R = {};
  for (const [key, template] of Object.entries(templates)) {
    const type = template.split(/[?/]/)[0]!;
    const matching = resources.filter((r) => r.resourceType === type);
    if (template.startsWith('Patient/')) out[key] = matching[0] ?? null;
    else out[key] = { resourceType: 'Bundle', type: 'searchset', total: matching.length, entry: matching.map((resource) => ({ resource })) };
  }
  return out;
}

function offered(cards: WireCard[], rxcui: string): WireSuggestion | undefined {
  for (const c of cards) {
    for (const s of c.suggestions ?? []) {
      const codes = (s.actions ?? []).flatMap((a) => ((a.resource?.medicationCodeableConcept as { coding?: { code: string }[] } | undefined)?.coding ?? []).map((x) => x.code));
      if (codes.includes(rxcui)) return s;
    }
  }
  return undefined;
}

const allDetail = (cards: WireCard[]) => cards.map((c) => `${c.summary}\n${c.detail ?? ''}`).join('\n');

describe('clinical safety screening over HTTP (real scorer, prefetch as the EHR sends it)', () => {
  let scorer: InProcessScorer;
  let app: Running;
  let fhir: FhirTestServer;
  let templates: Record<string, Record<string, string>>;

  beforeAll(async () => {
    scorer = await createInProcessScorer(loadScorerConfig({}));
    fhir = await startFhirTestServer();
    app = await startTestApp({ engine: scorer, services: scorer.services(), now: () => AS_OF, env: { HOOK_DEADLINE_MS: '20000', FHIR_QUERY_TIMEOUT_MS: '15000', DEV_FHIR_SERVERS: fhir.baseUrl } });
    templates = Object.fromEntries(scorer.services().map((s) => [s.id, s.prefetch]));
  });
  afterAll(async () => {
    await app?.close();
    await fhir?.close();
    await scorer?.close();
  });

  async function call(service: string, resources: R[], context: R = {}): Promise<WireCard[]> {
    const pt = resources.find((r) => r.resourceType === 'Patient') as R;
    // An AllergyIntolerance names its patient (1..1); the wrong-patient check (issue 11) drops one
    // that names anyone but context.patientId, so the fixture links it to this record's patient.
    const linked = resources.map((r) => (r.resourceType === 'AllergyIntolerance' ? { ...r, patient: { reference: `Patient/${pt.id as string}` } } : r));
    // Draft orders are for the patient in context too (a draft for anyone else is refused, below).
    const drafts = context.draftOrders as { entry: { resource: R }[] } | undefined;
    for (const e of drafts?.entry ?? []) e.resource.subject = { reference: `Patient/${pt.id as string}` };
    const res = await postJson(`${app.url}/cds-services/${service}`, {
      hookInstance: randomUUID(), hook: service === 'medication-safety' ? 'order-sign' : 'patient-view',
      context: { userId: 'Practitioner/example', patientId: pt.id, ...context },
      prefetch: prefetchFor(templates[service]!, linked),
    });
    expect(res.status).toBe(200);
    expect(cdsResponseSchema.safeParse(res.body).success).toBe(true);
    return (res.body as { cards: WireCard[] }).cards;
  }

  /** Asserts the verdict the stage gave a suggested drug, as the EHR sees it. */
  function expectVerdict(cards: WireCard[], rxcui: string, verdict: 'block' | 'caution' | 'clear', mention?: string): void {
    const s = offered(cards, rxcui);
    if (verdict === 'block') {
      expect(s).toBeUndefined();
      expect(allDetail(cards)).toContain('Not suggested (clinical safety screening)');
    } else {
      expect(s).toBeDefined();
      if (verdict === 'caution') {
        expect(s!.isRecommended).not.toBe(true);
        expect(s!.label).toContain('check first');
      } else {
        expect(s!.label).not.toContain('check first');
      }
    }
    if (mention) expect(allDetail(cards)).toContain(mention);
  }

  // ---------- ckd-progression: ACE inhibitor / ARB and SGLT2 inhibitor suggestions ----------
  // CKD G3a A3 (eGFR 50, ACR 450 mg/g): KDIGO offers lisinopril and losartan (1B) and an SGLT2 inhibitor (1A).
  const ckdPatient = (sex: 'male' | 'female' = 'male', birth = '1965-01-01', k: number | null = 4.5): R[] => [
    { ...patient(sex, birth), id: id('ckd') },
    obs('98979-8', 50, 'mL/min/{1.73_m2}', RECENT), obs('9318-7', 450, 'mg/g', RECENT),
    ...(k === null ? [] : [potassium(k)]),
    condition('N18.31', '2022-01-01', { system: ICD10 }), condition('I10', '2015-01-01', { system: ICD10 }),
  ];

  it('baseline: the CKD patient is offered lisinopril, losartan and dapagliflozin with nothing to check', async () => {
    const cards = await call('ckd-progression', ckdPatient());
    for (const rx of [RX.lisinopril10, RX.losartan50, RX.dapagliflozin10]) expectVerdict(cards, rx, 'clear');
    expect(allDetail(cards)).not.toContain('clinical safety screening');
  });

  it.each([
    ['ACE-inhibitor angioedema (AllergyIntolerance, lisinopril)', () => [allergy({ system: RXNORM, code: '29046', display: 'lisinopril' }, { angioedema: true })],
      [[RX.lisinopril10, 'block'], [RX.losartan50, 'caution']], 'AllergyIntolerance 2021-04-02'],
    ['unconfirmed lisinopril allergy without angioedema', () => [allergy({ system: RXNORM, code: '29046', display: 'lisinopril' }, { verification: 'unconfirmed' })],
      [[RX.lisinopril10, 'block'], [RX.losartan50, 'clear']], 'unconfirmed allergy'],
    ['a refuted lisinopril allergy is ignored', () => [allergy({ system: RXNORM, code: '29046', display: 'lisinopril' }, { angioedema: true, verification: 'refuted' })],
      [[RX.lisinopril10, 'clear'], [RX.losartan50, 'clear']], undefined],
    ['angioedema in the problem list (T78.3)', () => [condition('T78.3XXA', '2019-05-01', { system: ICD10, clinical: 'resolved', abatement: '2019-05-10' })],
      [[RX.lisinopril10, 'block'], [RX.losartan50, 'caution']], 'T78.3XXA'],
    ['a potassium-sparing diuretic (spironolactone) is active', () => [active('spironolactone 25 MG Oral Tablet')],
      [[RX.lisinopril10, 'caution'], [RX.losartan50, 'caution']], 'potassium-sparing'],
    ['type 1 diabetes', () => [condition('E10.9', '2000-01-01', { system: ICD10 })],
      [[RX.dapagliflozin10, 'block'], [RX.empagliflozin10, 'block'], [RX.lisinopril10, 'clear']], 'Type 1 diabetes'],
    ['prior diabetic ketoacidosis', () => [condition('E11.10', '2020-01-01', { system: ICD10, clinical: 'resolved', abatement: '2020-01-08' })],
      [[RX.dapagliflozin10, 'caution']], 'ketoacidosis'],
  ] as [string, () => R[], [string, 'block' | 'caution' | 'clear'][], string | undefined][])('%s', async (_label, extra, expected, mention) => {
    const withIt = await call('ckd-progression', [...ckdPatient(), ...extra()]);
    for (const [rx, verdict] of expected) expectVerdict(withIt, rx, verdict, mention);
    const without = await call('ckd-progression', ckdPatient());
    for (const [rx] of expected) expectVerdict(without, rx, 'clear');
  });

  it.each([
    [6.0, 'block'], [5.5, 'block'], [5.4, 'clear'],
  ] as const)('potassium %p mmol/L: RAS inhibitor %s', async (k, verdict) => {
    const cards = await call('ckd-progression', ckdPatient('male', '1965-01-01', k));
    expectVerdict(cards, RX.lisinopril10, verdict);
    expectVerdict(cards, RX.losartan50, verdict);
    if (verdict === 'block') expect(allDetail(cards)).toContain(`Potassium ${k} mmol/L`);
  });

  it('no potassium in the record: the RAS inhibitor stays, not pre-selected, and says potassium is unknown', async () => {
    const cards = await call('ckd-progression', ckdPatient('male', '1965-01-01', null));
    expectVerdict(cards, RX.lisinopril10, 'caution', 'No potassium within 365 days');
    expect(offered(cards, RX.lisinopril10)!.label).toContain('no recent potassium');
  });

  it('pregnant (82810-3 = pregnant): no ACE inhibitor, ARB or SGLT2 inhibitor is offered; not pregnant: all are', async () => {
    const pregnant = await call('ckd-progression', [...ckdPatient('female', '1993-01-01'), pregnancyStatus(true)]);
    for (const rx of [RX.lisinopril10, RX.losartan50, RX.dapagliflozin10, RX.empagliflozin10]) expectVerdict(pregnant, rx, 'block', 'Pregnant');
    expect(allDetail(pregnant)).toContain('Observation 2025-05-20');
    const notPregnant = await call('ckd-progression', [...ckdPatient('female', '1993-01-01'), pregnancyStatus(false)]);
    for (const rx of [RX.lisinopril10, RX.losartan50, RX.dapagliflozin10]) expectVerdict(notPregnant, rx, 'clear');
  });

  it('a woman of 32 with no pregnancy status: offered, not pre-selected, "pregnancy status unknown"; a woman of 60: no question', async () => {
    const unknown = await call('ckd-progression', ckdPatient('female', '1993-01-01'));
    expectVerdict(unknown, RX.lisinopril10, 'caution', 'no pregnancy status in the record');
    expect(offered(unknown, RX.lisinopril10)!.label).toContain('pregnancy status unknown');
    const older = await call('ckd-progression', ckdPatient('female', '1965-01-01'));
    expectVerdict(older, RX.lisinopril10, 'clear');
  });

  // ---------- af-stroke-prevention: apixaban ----------
  // Man of 72 with AF, hypertension and type 2 diabetes: CHA2DS2-VASc 3, apixaban 5 mg recommended.
  const afPatient = (sex: 'male' | 'female' = 'male', birth = '1953-01-01'): R[] => [
    { ...patient(sex, birth), id: id('af') },
    condition('49436004', '2020-01-01'), condition('I10', '2015-01-01', { system: ICD10 }), condition('44054006', '2016-01-01'),
    obs('29463-7', 80, 'kg', RECENT), obs('2160-0', 1.0, 'mg/dL', RECENT), potassium(4.4),
  ];

  it('baseline: apixaban 5 mg is offered and pre-selected', async () => {
    const cards = await call('af-stroke-prevention', afPatient());
    expectVerdict(cards, RX.apixaban5, 'clear');
    expect(offered(cards, RX.apixaban5)!.isRecommended).toBe(true);
  });

  it.each([
    ['a prosthetic heart valve (Z95.2)', () => [condition('Z95.2', '2018-06-01', { system: ICD10 })], 'Z95.2'],
    ['rheumatic mitral stenosis (I05.0)', () => [condition('I05.0', '2010-01-01', { system: ICD10 })], 'mitral stenosis'],
    ['active bleeding (K92.2, 10 days ago)', () => [condition('K92.2', '2025-05-22', { system: ICD10 })], 'Active bleeding'],
    ['rifampin (strong CYP3A4/P-gp inducer) active', () => [active('rifampin 300 MG Oral Capsule')], 'rifampin'],
    ['an apixaban allergy', () => [allergy({ system: RXNORM, code: '1364430', display: 'apixaban' })], 'allergy/intolerance to apixaban'],
  ] as [string, () => R[], string][])('%s: apixaban is not offered, and the card says why', async (_label, extra, mention) => {
    const withIt = await call('af-stroke-prevention', [...afPatient(), ...extra()]);
    expectVerdict(withIt, RX.apixaban5, 'block', mention);
    expectVerdict(withIt, RX.apixaban2_5, 'block');
    expect(withIt.some((c) => c.summary.startsWith('Not offered (apixaban'))).toBe(true);
    expectVerdict(await call('af-stroke-prevention', afPatient()), RX.apixaban5, 'clear');
  });

  it('ketoconazole (strong dual CYP3A4/P-gp inhibitor): apixaban 2.5 mg (label reduction), not pre-selected; without it 5 mg', async () => {
    const cards = await call('af-stroke-prevention', [...afPatient(), active('ketoconazole 200 MG Oral Tablet')]);
    expect(offered(cards, RX.apixaban5)).toBeUndefined();
    expectVerdict(cards, RX.apixaban2_5, 'caution', 'strong dual CYP3A4 and P-gp inhibitor');
  });

  it('pregnant woman with AF: no apixaban; not pregnant: offered', async () => {
    const base = afPatient('female', '1990-01-01');
    expectVerdict(await call('af-stroke-prevention', [...base, pregnancyStatus(true)]), RX.apixaban5, 'block', 'Pregnant');
    expectVerdict(await call('af-stroke-prevention', [...base, pregnancyStatus(false)]), RX.apixaban5, 'clear');
  });

  it('on warfarin: the switch to apixaban is suggested (not pre-selected, INR check); with a prosthetic valve it is not, and the card stays "on warfarin"', async () => {
    const warfarin = active('Warfarin Sodium 5 MG Oral Tablet', '855332');
    const cards = await call('af-stroke-prevention', [...afPatient(), warfarin]);
    const sw = offered(cards, RX.apixaban5)!;
    expect(sw.label).toMatch(/^Switch to apixaban 5 MG/);
    expect(sw.isRecommended).not.toBe(true);
    expect(sw.label).toContain('with warfarin');
    expect(allDetail(cards)).toContain('INR is below 2.0');
    const valve = await call('af-stroke-prevention', [...afPatient(), warfarin, condition('Z95.2', '2018-06-01', { system: ICD10 })]);
    expect(offered(valve, RX.apixaban5)).toBeUndefined();
    const info = valve.find((c) => c.summary.includes('on warfarin'))!;
    expect(info.indicator).toBe('info');
    expect(info.detail).toContain('Not suggested (clinical safety screening)');
  });

  // ---------- cardiovascular-risk: statins ----------
  // Man of 55 with type 2 diabetes: moderate-intensity statin (simvastatin 20 mg), ACC/AHA 2018 Class I.
  const cvPatient = (sex: 'male' | 'female' = 'male', birth = '1970-01-01'): R[] => [
    { ...patient(sex, birth), id: id('cv') },
    condition('44054006', '2016-01-01'),
    obs('2093-3', 200, 'mg/dL', RECENT), obs('2085-9', 45, 'mg/dL', RECENT), obs('18262-6', 130, 'mg/dL', RECENT),
    obs('8480-6', 130, 'mm[Hg]', RECENT), obs('39156-5', 27, 'kg/m2', RECENT),
  ];

  it.each([
    ['clarithromycin (strong CYP3A4 inhibitor)', () => [active('clarithromycin 500 MG Oral Tablet')], 'strong CYP3A4 inhibitor'],
    ['gemfibrozil', () => [active('gemfibrozil 600 MG Oral Tablet')], 'gemfibrozil'],
    ['cyclosporine', () => [active('cyclosporine 100 MG Oral Capsule')], 'cyclosporine'],
  ] as [string, () => R[], string][])('%s: simvastatin is not offered; without it, it is', async (_label, extra, mention) => {
    expectVerdict(await call('cardiovascular-risk', [...cvPatient(), ...extra()]), RX.simvastatin20, 'block', mention);
    expectVerdict(await call('cardiovascular-risk', cvPatient()), RX.simvastatin20, 'clear');
  });

  it('pregnant woman with diabetes: no statin; not pregnant: offered', async () => {
    const base = cvPatient('female', '1983-01-01'); // 42: inside the diabetes 40-75 statin rule
    expectVerdict(await call('cardiovascular-risk', [...base, pregnancyStatus(true)]), RX.simvastatin20, 'block', 'FDA (2021)');
    expectVerdict(await call('cardiovascular-risk', [...base, pregnancyStatus(false)]), RX.simvastatin20, 'clear');
  });

  // ---------- medication-safety (order-sign): each drafted order through the same stage ----------
  const signPatient = (): R[] => [
    { ...patient('male', '1955-01-01'), id: id('sign') },
    obs('2160-0', 1.0, 'mg/dL', RECENT), obs('29463-7', 80, 'kg', RECENT), potassium(4.4), condition('I10', '2015-01-01', { system: ICD10 }),
  ];
  const draft = (display: string, rxcui?: string): R => ({
    resourceType: 'MedicationRequest', id: id('draft'), status: 'draft', intent: 'order', subject: { reference: 'Patient/p' },
    medicationCodeableConcept: { coding: rxcui ? [{ system: RXNORM, code: rxcui, display }] : [], text: display },
  });
  const draftOrders = (...orders: R[]) => ({ draftOrders: { resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) } as unknown as Bundle });

  it.each([
    ['ibuprofen drafted while warfarin is active', () => draft('ibuprofen 600 MG Oral Tablet'), () => [active('Warfarin Sodium 5 MG Oral Tablet', '855332')], 'critical', 'NSAID with an oral anticoagulant', undefined],
    ['lisinopril drafted with potassium 6.1', () => draft('lisinopril 10 MG Oral Tablet', RX.lisinopril10), () => [potassium(6.1)], 'critical', 'Potassium 6.1 mmol/L', undefined],
    ['apixaban drafted with a prosthetic valve', () => draft('apixaban 5 MG Oral Tablet', RX.apixaban5), () => [condition('Z95.2', '2018-06-01', { system: ICD10 })], 'critical', 'Prosthetic heart valve', undefined],
    ['metformin drafted on dialysis', () => draft('metformin hydrochloride 500 MG Oral Tablet', '861007'), () => [condition('Z99.2', '2024-01-01', { system: ICD10 })], 'critical', 'On dialysis', undefined],
    ['simvastatin drafted with clarithromycin active', () => draft('simvastatin 20 MG Oral Tablet', RX.simvastatin20), () => [active('clarithromycin 500 MG Oral Tablet')], 'critical', 'contraindicated', RX.rosuvastatin10],
    ['apixaban drafted with ketoconazole active', () => draft('apixaban 5 MG Oral Tablet', RX.apixaban5), () => [active('ketoconazole 200 MG Oral Tablet')], 'warning', 'reduce 5 mg twice daily to 2.5 mg', undefined],
  ] as [string, () => R, () => R[], 'critical' | 'warning', string, string | undefined][])('%s', async (_label, order, extra, indicator, mention, replacement) => {
    const o = order();
    const cards = await call('medication-safety', [...signPatient(), ...extra()], draftOrders(o));
    const card = cards.find((c) => c.indicator === indicator && (c.detail ?? '').includes('Clinical safety screening'));
    expect(card).toBeDefined();
    expect(card!.detail).toContain(mention);
    const remove = card!.suggestions![0]!;
    expect(remove.actions![0]).toMatchObject({ type: 'delete', resourceId: `MedicationRequest/${o.id as string}` });
    expect(remove.isRecommended === true).toBe(indicator === 'critical');
    if (replacement) {
      const replace = card!.suggestions!.find((s) => s.label.startsWith('Replace with'))!;
      expect(replace.actions![0]).toMatchObject({ type: 'update', resource: { resourceType: 'MedicationRequest', id: o.id } });
      expect(JSON.stringify(replace.actions![0]!.resource)).toContain(replacement);
    }
    // The same draft for the same patient without the contraindication: no safety card.
    const clean = await call('medication-safety', signPatient(), draftOrders(order()));
    expect(clean.filter((c) => (c.detail ?? '').includes('Clinical safety screening'))).toEqual([]);
  });

  it('refuses (400, naming the entry) a draft order for another patient instead of screening it against this record', async () => {
    const resources = [...signPatient(), active('Warfarin Sodium 5 MG Oral Tablet', '855332')];
    const pt = resources[0]!;
    const send = (subject: string) => postJson(`${app.url}/cds-services/medication-safety`, {
      hookInstance: randomUUID(), hook: 'order-sign',
      context: {
        userId: 'Practitioner/example', patientId: pt.id,
        draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [
          { resource: { ...draft('lisinopril 10 MG Oral Tablet', RX.lisinopril10), subject: { reference: `Patient/${pt.id as string}` } } },
          { resource: { ...draft('ibuprofen 600 MG Oral Tablet'), subject: { reference: subject } } },
        ] },
      },
      prefetch: prefetchFor(templates['medication-safety']!, resources),
    });
    const wrong = await send('Patient/someone-else');
    expect(wrong.status).toBe(400);
    const outcome = wrong.body as { resourceType: string; issue: { diagnostics: string; expression: string[] }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue).toHaveLength(1);
    expect(outcome.issue[0]!.expression).toEqual(['context.draftOrders.entry[1].resource']);
    // The same call with the draft for this patient is screened (NSAID with warfarin: critical).
    const right = await send(`Patient/${pt.id as string}`);
    expect(right.status).toBe(200);
    expect((right.body as { cards: WireCard[] }).cards.some((c) => c.indicator === 'critical' && (c.detail ?? '').includes('NSAID with an oral anticoagulant'))).toBe(true);
  });

  // ---------- FHIR fallback: the EHR sends no prefetch, Prognos queries the FHIR server ----------
  it('reads AllergyIntolerance and the pregnancy/potassium observations from the FHIR server when not prefetched', async () => {
    const resources = [...ckdPatient(), allergy({ system: RXNORM, code: '29046', display: 'lisinopril' }, { angioedema: true })];
    const pt = resources[0]!;
    const pid = pt.id as string;
    for (const r of resources) if (r.resourceType !== 'Patient') (r as R).subject = { reference: `Patient/${pid}` };
    for (const r of resources) if (r.resourceType === 'AllergyIntolerance') (r as R).patient = { reference: `Patient/${pid}` };
    await fhir.loadBundle({ resourceType: 'Bundle', type: 'transaction', entry: resources.map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType as string}/${resource.id as string}` } })) } as unknown as Bundle);
    fhir.requests.length = 0;
    const res = await postJson(`${app.url}/cds-services/ckd-progression`, {
      hookInstance: randomUUID(), hook: 'patient-view', context: { userId: 'Practitioner/example', patientId: pid },
      fhirServer: fhir.baseUrl, fhirAuthorization: { access_token: 'token-safety-1', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'prognos' },
    });
    expect(res.status).toBe(200);
    const cards = (res.body as { cards: WireCard[] }).cards;
    expect(fhir.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['AllergyIntolerance', 'Observation']));
    expectVerdict(cards, RX.lisinopril10, 'block', 'Angioedema with an ACE inhibitor');
    expectVerdict(cards, RX.losartan50, 'caution');
  });
});
