/**
 * Issue 11, through the HTTP service as an EHR calls it (real in-process scorer and ONNX models, a
 * real loopback FHIR R4 server for the fallback): medicines written as medicationReference (via
 * `_include`, contained, display, and read from the FHIR server), a prefetch for another patient,
 * a deceased patient, old data, and one age / one "days ago" everywhere.
 * Records come from the synthetic generator (seeded, physiologically consistent) with the hook time
 * at the record's end, rewritten into the shapes Epic and Cerner use.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, MedicationRequest, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { cdsResponseSchema } from '@prognos/contracts';
import { generatePatient, type PatientProfile } from '@prognos/fhir-features';
import { createInProcessScorer, loadScorerConfig, type InProcessScorer } from '@prognos/scorer';
import { strayResources } from '../../services/cds-hooks/src/metrics';
import { buildPrefetch } from '../demo/evaluate-prefetch';
import { resolveBundleReferences, startFhirTestServer, type FhirTestServer } from '../fhir-server/fhir-test-server';
import { postJson, startTestApp, type Running } from './support/harness';

const AS_OF = new Date('2026-06-01T00:00:00Z');
const APIXABAN_5 = '1364445';
const DAY = 86_400_000;

interface Card { summary: string; indicator: string; detail?: string; suggestions?: { label: string; actions?: { resource?: { resourceType?: string } }[] }[] }

/**
 * Resources of a generated patient with Type/id references (as a FHIR server returns them) and every
 * medicine coded inline (the generator writes some as contained Medications), so that each reference
 * mode below rewrites all of them.
 */
function patientRecord(profile: PatientProfile, seed: number, asOf = AS_OF): Resource[] {
  const all = resolveBundleReferences(generatePatient({ seed, profile, asOf, targetResources: 120 }) as Bundle);
  type Coded = { code?: MedicationRequest['medicationCodeableConcept'] };
  const bundled = new Map(all.filter((r) => r.resourceType === 'Medication').map((m) => [`Medication/${m.id}`, m as Coded]));
  return all.filter((r) => r.resourceType !== 'Medication').map((r) => {
    const mr = r as MedicationRequest;
    if (r.resourceType !== 'MedicationRequest' || !mr.medicationReference) return r;
    const { contained, medicationReference, ...rest } = mr;
    const med = (contained?.find((c) => `#${c.id}` === medicationReference.reference) as Coded | undefined) ?? bundled.get(medicationReference.reference ?? '');
    return { ...rest, medicationCodeableConcept: med?.code } as Resource;
  });
}

/** The first af-hf seed whose record has apixaban (the generator draws warfarin for ~30 %). */
function afPatientOnApixaban(): Resource[] {
  for (let seed = 1; seed < 100; seed++) {
    const r = patientRecord('af-hf', seed);
    const onApixaban = r.some((x) => x.resourceType === 'MedicationRequest' && (x as MedicationRequest).status === 'active'
      && (x as MedicationRequest).medicationCodeableConcept?.coding?.some((c) => c.code === APIXABAN_5));
    if (onApixaban) return r;
  }
  throw new Error('no af-hf seed with apixaban');
}

type RefMode = 'bundled' | 'contained' | 'display' | 'unresolvable';

/** MedicationRequests rewritten to medicationReference, as Epic and Cerner write them. */
function withMedicationReferences(resources: Resource[], mode: RefMode): Resource[] {
  const out: Resource[] = [];
  for (const r of resources) {
    // The generator already writes some medicines as contained Medications: those stay as they are.
    if (r.resourceType !== 'MedicationRequest' || !(r as MedicationRequest).medicationCodeableConcept) { out.push(r); continue; }
    const { medicationCodeableConcept: code, ...rest } = r as MedicationRequest;
    const medId = `med-${r.id}`;
    const medication = { resourceType: 'Medication', id: medId, code } as Resource;
    switch (mode) {
      case 'bundled': out.push({ ...rest, medicationReference: { reference: `Medication/${medId}` } } as Resource, medication); break;
      case 'contained': out.push({ ...rest, contained: [{ ...medication, id: 'm1' }], medicationReference: { reference: '#m1' } } as Resource); break;
      case 'display': out.push({ ...rest, medicationReference: { reference: `Medication/${medId}`, display: code?.text } } as Resource); break;
      case 'unresolvable': out.push({ ...rest, medicationReference: { reference: `Medication/${medId}` } } as Resource); break;
    }
  }
  return out;
}

const patientOf = (resources: Resource[]): Patient => resources.find((r) => r.resourceType === 'Patient') as Patient;
const cardText = (c: Card): string => `${c.summary}\n${c.detail ?? ''}\n${(c.suggestions ?? []).map((s) => s.label).join('\n')}`;
const orders = (cards: Card[]): string[] => cards.flatMap((c) => c.suggestions ?? []).flatMap((s) => s.actions ?? [])
  .map((a) => a.resource?.resourceType ?? '').filter((t) => t === 'MedicationRequest' || t === 'ServiceRequest');

describe('issue 11: the record as EHRs write it, through the HTTP service', () => {
  let scorer: InProcessScorer;
  let fhir: FhirTestServer;
  let app: Running;
  let now = AS_OF;

  beforeAll(async () => {
    scorer = await createInProcessScorer(loadScorerConfig({}));
    fhir = await startFhirTestServer();
    app = await startTestApp({
      engine: scorer, services: scorer.services(), now: () => now,
      env: { DEV_FHIR_SERVERS: fhir.baseUrl, HOOK_DEADLINE_MS: '20000', FHIR_QUERY_TIMEOUT_MS: '15000' },
    });
  });
  afterAll(async () => {
    await app?.close();
    await fhir?.close();
    await scorer?.close();
  });
  beforeEach(() => { now = AS_OF; fhir.requests.length = 0; });

  const serviceTemplates = (id: string): Record<string, string> => scorer.services().find((s) => s.id === id)!.prefetch;
  async function call(service: string, resources: Resource[], extra: Record<string, unknown> = {}, prefetch?: Record<string, unknown> | null): Promise<{ status: number; body: any }> {
    const patientId = patientOf(resources)?.id ?? 'unknown';
    const pf = prefetch === null ? undefined : prefetch ?? buildPrefetch(serviceTemplates(service), resources, { patientId });
    const hook = scorer.services().find((s) => s.id === service)!.hook;
    return postJson(`${app.url}/cds-services/${service}`, {
      hook, hookInstance: randomUUID(), context: { userId: 'Practitioner/example', patientId, ...(extra.context as object ?? {}) },
      ...(pf ? { prefetch: pf } : {}), ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'context')),
    });
  }
  async function cards(service: string, resources: Resource[], extra: Record<string, unknown> = {}, prefetch?: Record<string, unknown> | null): Promise<Card[]> {
    const res = await call(service, resources, extra, prefetch);
    expect(res.status).toBe(200);
    expect(cdsResponseSchema.safeParse(res.body).success).toBe(true);
    return res.body.cards as Card[];
  }

  describe('medicationReference', () => {
    const af = afPatientOnApixaban();
    const afWithoutAnticoagulant = af.filter((r) => !(r.resourceType === 'MedicationRequest'
      && (r as MedicationRequest).medicationCodeableConcept?.coding?.some((c) => c.code === APIXABAN_5)));

    it('the same patient without apixaban is told to start a DOAC (so the checks below can fail)', async () => {
      const cs = await cards('af-stroke-prevention', afWithoutAnticoagulant);
      expect(cs.map((c) => c.summary).join('\n')).toMatch(/start a DOAC/);
    });

    it('discovery asks for the referenced Medication with _include', async () => {
      for (const s of scorer.services().filter((x) => x.origin === 'bundled')) {
        expect(s.prefetch.medications).toContain('_include=MedicationRequest:medication');
      }
    });

    it.each(['bundled', 'contained', 'display'] as const)('reads apixaban written as medicationReference (%s Medication)', async (mode) => {
      const cs = await cards('af-stroke-prevention', withMedicationReferences(af, mode));
      const all = cs.map(cardText).join('\n');
      expect(all).not.toMatch(/start a DOAC/);
      expect(cs.map((c) => c.summary).join('\n')).toMatch(/on a DOAC/);
      expect(orders(cs)).toEqual([]);
    });

    it('says "unknown" and orders nothing when the reference cannot be resolved', async () => {
      const cs = await cards('af-stroke-prevention', withMedicationReferences(af, 'unresolvable'));
      const all = cs.map(cardText).join('\n');
      expect(all).not.toMatch(/start a DOAC/);
      expect(cs.map((c) => c.summary).join('\n')).toMatch(/anticoagulant status unknown/);
      expect(all).toMatch(/could not be identified \(medicationReference not resolvable\)/);
      expect(orders(cs)).toEqual([]);
    });

    it('the FHIR fallback reads the referenced Medication (no prefetch, then a prefetch without _include)', async () => {
      const record = withMedicationReferences(af, 'bundled');
      for (const r of record) await fhir.repo.createResource(r);
      const token = { access_token: 'fhir-token-i11', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'prognos' };
      const fetched = await cards('af-stroke-prevention', record, { fhirServer: fhir.baseUrl, fhirAuthorization: token }, null);
      expect(fetched.map((c) => c.summary).join('\n')).toMatch(/on a DOAC/);

      // The client prefetched the requests without their Medications: the service reads each one.
      fhir.requests.length = 0;
      const withoutMeds = record.filter((r) => r.resourceType !== 'Medication');
      const prefetch = buildPrefetch(serviceTemplates('af-stroke-prevention'), withoutMeds, { patientId: patientOf(af).id! });
      const cs = await cards('af-stroke-prevention', record, { fhirServer: fhir.baseUrl, fhirAuthorization: token }, prefetch);
      expect(cs.map((c) => c.summary).join('\n')).toMatch(/on a DOAC/);
      expect(orders(cs)).toEqual([]);
      expect(fhir.requests.filter((r) => r.path.startsWith('Medication/')).length).toBeGreaterThan(0);
    });

    it('a CKD patient on empagliflozin by reference is not told to start an SGLT2 inhibitor; unknown says so', async () => {
      const ckd = patientRecord('ckd-g3b-a3-t2d', 3);
      const plain = (await cards('ckd-progression', ckd)).map(cardText).join('\n');
      expect(plain).not.toMatch(/Start an SGLT2 inhibitor/);
      const withoutSglt2 = ckd.filter((r) => !(r.resourceType === 'MedicationRequest' && /empagliflozin/i.test(JSON.stringify(r))));
      expect((await cards('ckd-progression', withoutSglt2)).map((c) => c.summary).join('\n')).toMatch(/Start an SGLT2 inhibitor/);
      expect((await cards('ckd-progression', withMedicationReferences(ckd, 'bundled'))).map(cardText).join('\n')).not.toMatch(/SGLT2 inhibitor is indicated|Start an SGLT2/);
      const unknown = await cards('ckd-progression', withMedicationReferences(withoutSglt2, 'unresolvable'));
      const text = unknown.map(cardText).join('\n');
      expect(text).not.toMatch(/Start an SGLT2 inhibitor/);
      expect(unknown.map((c) => c.summary).join('\n')).toMatch(/an SGLT2 inhibitor is indicated unless already taken/);
      expect(unknown.flatMap((c) => c.suggestions ?? []).map((s) => s.label).join('\n')).not.toMatch(/empagliflozin|dapagliflozin/);
    });
  });

  describe('a prefetch for another patient', () => {
    const a = patientRecord('healthy', 11);
    const b = patientRecord('ckd-g4-a3', 12);

    it('refuses a Patient resource that is not context.patientId with 412 naming the key', async () => {
      const prefetch = buildPrefetch(serviceTemplates('ckd-progression'), b, { patientId: patientOf(b).id! });
      const res = await call('ckd-progression', a, {}, prefetch);
      expect(res.status).toBe(412);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toEqual(['prefetch.patient']);
      expect(JSON.stringify(res.body)).not.toContain(patientOf(b).id!); // no ids in the answer
    });

    it("drops and counts another patient's resources mixed into a prefetch", async () => {
      const before = (await strayResources.get()).values.filter((v) => v.labels.service === 'ckd-progression').reduce((n, v) => n + v.value, 0);
      const bOnly = buildPrefetch(serviceTemplates('ckd-progression'), b, { patientId: patientOf(b).id! });
      // B alone gets kidney cards (so their absence below means B's data was not used).
      expect((await cards('ckd-progression', b, {}, bOnly)).map((c) => c.summary).join('\n')).toMatch(/kidney failure risk/i);
      const mixed = buildPrefetch(serviceTemplates('ckd-progression'), [patientOf(a), ...b.filter((r) => r.resourceType !== 'Patient')], { patientId: patientOf(a).id! });
      const cs = await cards('ckd-progression', a, {}, mixed);
      expect(cs.map((c) => c.summary).join('\n')).not.toMatch(/kidney failure|eGFR|SGLT2|ACEi/i);
      const after = (await strayResources.get()).values.filter((v) => v.labels.service === 'ckd-progression');
      expect(after.reduce((n, v) => n + v.value, 0) - before).toBeGreaterThan(0);
      expect(after.map((v) => v.labels.resource_type).sort()).toEqual(expect.arrayContaining(['Observation', 'Condition']));
      for (const v of after) expect(Object.keys(v.labels).sort()).toEqual(['resource_type', 'service']);
    });
  });

  describe('a deceased patient', () => {
    const ckd = patientRecord('ckd-g4-a3', 21);
    const deceased = (how: 'boolean' | 'dateTime'): Resource[] => ckd.map((r) => r.resourceType === 'Patient'
      ? { ...r, ...(how === 'boolean' ? { deceasedBoolean: true } : { deceasedDateTime: '2026-05-20T10:00:00Z' }) } as Resource : r);

    it('the living patient gets predictions and orders', async () => {
      const cs = await cards('ckd-progression', ckd);
      expect(cs.map((c) => c.summary).join('\n')).toMatch(/kidney failure risk/i);
    });

    it.each(['boolean', 'dateTime'] as const)('gets one info card and no prediction, order or referral (deceased%s)', async (how) => {
      for (const service of ['ckd-progression', 'cardiovascular-risk', 'af-stroke-prevention']) {
        const cs = await cards(service, deceased(how));
        expect(cs).toHaveLength(1);
        expect(cs[0].indicator).toBe('info');
        expect(cs[0].summary).toMatch(how === 'dateTime' ? /^Patient recorded as deceased \(2026-05-20\): no risk predictions, orders or referrals/ : /^Patient recorded as deceased: no risk predictions/);
        expect(cs[0].suggestions).toBeUndefined();
      }
    });

    it('warns on order-sign with draft orders for a deceased patient', async () => {
      const draft = { resourceType: 'MedicationRequest', id: 'draft-1', status: 'draft', intent: 'order', subject: { reference: `Patient/${patientOf(ckd).id}` },
        medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: APIXABAN_5, display: 'apixaban 5 MG Oral Tablet' }] } };
      const cs = await cards('medication-safety', deceased('boolean'), { context: { draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] } } });
      expect(cs).toHaveLength(1);
      expect(cs[0].indicator).toBe('warning');
      expect(cs[0].summary).toMatch(/deceased.*check the record before signing/);
    });

    it('a deceasedDateTime after the hook time is not yet death', async () => {
      const later = ckd.map((r) => r.resourceType === 'Patient' ? { ...r, deceasedDateTime: '2026-07-01' } as Resource : r);
      expect((await cards('ckd-progression', later)).map((c) => c.summary).join('\n')).toMatch(/kidney failure risk/i);
    });
  });

  describe('card links and complete RiskAssessments', () => {
    const ckd = patientRecord('ckd-g4-a3', 41);
    type RA = { resourceType: string; basis?: { reference: string }[]; method?: { coding?: { system: string; code: string }[]; text?: string }; occurrenceDateTime?: string };
    const riskAssessments = (cs: Card[]): RA[] => cs.flatMap((c) => c.suggestions ?? []).flatMap((s) => s.actions ?? [])
      .map((a) => a.resource as RA).filter((r) => r?.resourceType === 'RiskAssessment');

    it('links the calculator and the guideline, and files basis, method and occurrence', async () => {
      const cs = await cards('ckd-progression', ckd);
      const kfre = cs.find((c) => /kidney failure risk .* \(KFRE\)/.test(c.summary)) as Card & { links?: { label: string; url: string; type: string }[] };
      expect(kfre).toBeDefined();
      expect(kfre.links?.map((l) => l.url)).toEqual(['https://kidneyfailurerisk.com/', 'https://doi.org/10.1001/jama.2015.18202']);
      expect(kfre.links?.every((l) => l.type === 'absolute')).toBe(true);
      const ras = riskAssessments([kfre]);
      expect(ras.length).toBeGreaterThan(0);
      const observations = new Map(ckd.filter((r) => r.resourceType === 'Observation').map((o) => [`Observation/${o.id}`, o as { code?: { coding?: { code?: string }[] } }]));
      for (const ra of ras) {
        expect(ra.occurrenceDateTime).toBe(AS_OF.toISOString());
        expect(ra.method?.coding).toBeUndefined(); // no RISK_METHOD_SYSTEM: text only, no made-up system
        expect(ra.method?.text).toMatch(/KFRE .* v1\.0\.0/);
        expect(ra.basis?.length).toBeGreaterThan(0);
        // Every basis entry is an Observation of this record: the creatinine and urine ACR behind the inputs.
        const codes = ra.basis!.map((b) => observations.get(b.reference)?.code?.coding?.[0]?.code);
        expect(codes.every((c) => c !== undefined)).toBe(true);
        expect(codes.some((c) => ['2160-0', '38483-4', '14682-9', '77140-2'].includes(c!))).toBe(true); // creatinine (mass or SI)
        expect(codes.some((c) => c === '9318-7' || c === '14959-1' || c === '14958-3')).toBe(true);
      }
    });

    it('adds the configured SMART app link and codes method in RISK_METHOD_SYSTEM', async () => {
      const system = 'https://fhir.hospital.example/CodeSystem/risk-models';
      const scorer3 = await createInProcessScorer(loadScorerConfig({ RISK_METHOD_SYSTEM: system }));
      const app3 = await startTestApp({ engine: scorer3, services: scorer3.services(), now: () => AS_OF,
        env: { HOOK_DEADLINE_MS: '20000', SMART_APP_LAUNCH_URL: 'https://apps.hospital.example/prognos/launch', SMART_APP_LABEL: 'Open Prognos' } });
      try {
        const patientId = patientOf(ckd).id!;
        const res = await postJson(`${app3.url}/cds-services/ckd-progression`, {
          hook: 'patient-view', hookInstance: randomUUID(), context: { userId: 'Practitioner/x', patientId },
          prefetch: buildPrefetch(serviceTemplates('ckd-progression'), ckd, { patientId }),
        });
        expect(res.status).toBe(200);
        const cs = res.body.cards as (Card & { links: { label: string; url: string; type: string }[] })[];
        expect(cs.length).toBeGreaterThan(0);
        for (const c of cs) expect(c.links.at(-1)).toEqual({ label: 'Open Prognos', url: 'https://apps.hospital.example/prognos/launch', type: 'smart' });
        const ras = riskAssessments(cs);
        expect(ras.length).toBeGreaterThan(0);
        // KFRE, and the learned trajectory model beside it (issue 13), each coded in the configured system.
        for (const ra of ras) expect(ra.method?.coding?.[0]).toMatchObject({ system, code: expect.stringMatching(/^(kfre-[48]var-na|ckd-progression-gru)$/) });
      } finally {
        await app3.close();
        await scorer3.close();
      }
    });
  });

  describe('old data and consistent wording', () => {
    const ckd = patientRecord('ckd-g3b-a3-t2d', 31);

    it('says what is there and why it was not used', async () => {
      now = new Date(AS_OF.getTime() + 800 * DAY);
      const cs = await cards('ckd-progression', ckd);
      const missing = cs.find((c) => /not computable/.test(c.summary));
      expect(missing).toBeDefined();
      expect(missing!.summary).toMatch(/^Kidney failure risk not computable: last eGFR \d+ on \d{4}-\d{2}-\d{2}, older than the 365-day window; order creatinine/);
      expect(missing!.detail).toMatch(/- eGFR: last \d+ mL\/min\/1\.73 m² on \d{4}-\d{2}-\d{2} \(\d+ days ago\), older than the 365-day window \(LAB_MAX_AGE_DAYS\); order a new test/);
      expect(missing!.detail).not.toMatch(/no result in the record/);
    });

    it('never lists an old creatinine as used while saying it is not known (apixaban dose check)', async () => {
      const af = afPatientOnApixaban();
      const creatinine = af.filter((r) => r.resourceType === 'Observation' && /"(2160-0|38483-4|14682-9)"/.test(JSON.stringify((r as Observation).code)))
        .map((r) => Date.parse((r as Observation).effectiveDateTime!)).sort((a, b) => a - b);
      now = new Date(creatinine.at(-1)! + 400 * DAY); // the last creatinine is 400 days old
      const draft = { resourceType: 'MedicationRequest', id: 'draft-apx', status: 'draft', intent: 'order', subject: { reference: `Patient/${patientOf(af).id}` },
        medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: APIXABAN_5, display: 'apixaban 5 MG Oral Tablet' }] },
        dosageInstruction: [{ timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } }, doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg' } }] }] };
      const cs = await cards('medication-safety', af, { context: { draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] } } });
      const text = cs.map(cardText).join('\n');
      expect(text).not.toMatch(/Serum creatinine: \d/); // not in "Inputs used"
      expect(text).toMatch(/recent serum creatinine \(last [\d.]+ mg\/dL on \d{4}-\d{2}-\d{2} is too old\)/);
    });

    it('one LAB_MAX_AGE_DAYS is honoured by extraction and rules alike', async () => {
      const scorer2 = await createInProcessScorer(loadScorerConfig({ LAB_MAX_AGE_DAYS: '1000' }));
      const app2 = await startTestApp({ engine: scorer2, services: scorer2.services(), now: () => new Date(AS_OF.getTime() + 800 * DAY), env: { LAB_MAX_AGE_DAYS: '1000', HOOK_DEADLINE_MS: '20000' } });
      try {
        const patientId = patientOf(ckd).id!;
        const res = await postJson(`${app2.url}/cds-services/ckd-progression`, {
          hook: 'patient-view', hookInstance: randomUUID(), context: { userId: 'Practitioner/x', patientId },
          prefetch: buildPrefetch(serviceTemplates('ckd-progression'), ckd, { patientId }),
        });
        expect(res.status).toBe(200);
        // 800-day-old results are inside a 1000-day window: KFRE runs (the old 730-day extraction cut-off is gone).
        expect(res.body.cards.map((c: Card) => c.summary).join('\n')).toMatch(/5-year kidney failure risk/);
      } finally {
        await app2.close();
        await scorer2.close();
      }
    });

    it('shows one age in completed years and whole "days ago" on every card', async () => {
      const birth = Date.parse(patientOf(ckd).birthDate!);
      // A hook time 0.6 year past a birthday: rounding would give one more year than completed years.
      const years = Math.floor((AS_OF.getTime() - birth) / (365.2425 * DAY));
      now = new Date(birth + (years + 0.6) * 365.2425 * DAY);
      if (now.getTime() > AS_OF.getTime()) now = new Date(birth + (years - 1 + 0.6) * 365.2425 * DAY);
      const completed = Math.floor((now.getTime() - birth) / (365.2425 * DAY));
      const text = [
        ...(await cards('ckd-progression', ckd)), ...(await cards('cardiovascular-risk', ckd)),
      ].map(cardText).join('\n');
      const ages = [...text.matchAll(/Age: (\d+) years/g)].map((m) => Number(m[1]));
      expect(ages.length).toBeGreaterThan(0);
      expect(new Set(ages)).toEqual(new Set([completed]));
      expect(text).not.toMatch(/\d+\.\d+ days ago/);
    });
  });
});
