/**
 * Regression suite on real-shaped data (issue 11): every shared Synthea bundle through every built-in
 * service over HTTP, with the hook time at the bundle's last encounter, as an EHR would call it with
 * full prefetch. Every answer must be valid, and cards must appear where the record supports them:
 * - KFRE for a patient whose latest creatinine (within LAB_MAX_AGE_DAYS) gives CKD-EPI 2021 eGFR
 *   < 60 and who has a urine ACR within LAB_MAX_AGE_DAYS, not on dialysis;
 * - an AF card for a patient with active atrial fibrillation.
 * The expectations are computed from the raw resources (LOINC / SNOMED codes, the published CKD-EPI
 * 2021 equation), not from the service's own extraction.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Bundle, Condition, Encounter, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { cdsResponseSchema } from '@prognos/contracts';
import { ckdEpi2021 } from '@prognos/fhir-features';
import { createInProcessScorer, loadScorerConfig, type InProcessScorer } from '@prognos/scorer';
import { buildPrefetch } from '../demo/evaluate-prefetch';
import { demoDraftOrders } from '../demo/sample-records';
import { resolveBundleReferences } from '../fhir-server/fhir-test-server';
import { describeWithSharedData, readJson, syntheaBundlePaths } from '../support/shared-data';
import { postJson, startTestApp, type Running } from './support/harness';

const DAY = 86_400_000;
const LAB_MAX_AGE_DAYS = 365;
const CREATININE = new Set(['2160-0', '38483-4']);
const UACR = new Set(['9318-7', '14959-1']);
/** SNOMED 49436004 atrial fibrillation (Synthea's code), 5370000 atrial flutter is not AF. */
const AF = new Set(['49436004']);
/** SNOMED dialysis / ESRD / kidney transplant codes Synthea writes (Condition or Procedure). */
const KRT = new Set(['46177005', '265764009', '698306007', '161665007', '714152005']);

interface Case {
  file: string;
  resources: Resource[];
  patient: Patient;
  asOf: Date;
  kfreSupported: boolean;
  hasAf: boolean;
  /** Dead at the hook time: only the deceased card is expected. */
  deceased: boolean;
}

const codes = (r: { code?: { coding?: { code?: string }[] } }): string[] => (r.code?.coding ?? []).map((c) => c.code ?? '');
const when = (o: Observation): number => Date.parse(o.effectiveDateTime ?? o.issued ?? '');

function caseOf(file: string): Case {
  const resources = resolveBundleReferences(readJson<Bundle>(file));
  const patient = resources.find((r) => r.resourceType === 'Patient') as Patient;
  const encounterEnds = resources.filter((r) => r.resourceType === 'Encounter')
    .map((e) => Date.parse((e as Encounter).period?.end ?? (e as Encounter).period?.start ?? '')).filter(Number.isFinite);
  const asOf = new Date(Math.max(...encounterEnds));
  const recent = (set: Set<string>) => resources.filter((r): r is Observation => r.resourceType === 'Observation'
    && codes(r as Observation).some((c) => set.has(c)) && when(r as Observation) <= asOf.getTime()
    && asOf.getTime() - when(r as Observation) <= LAB_MAX_AGE_DAYS * DAY).sort((a, b) => when(a) - when(b));
  const lastCreatinine = recent(CREATININE).at(-1);
  const age = (t: number) => (t - Date.parse(patient.birthDate!)) / (365.2425 * DAY);
  const egfr = lastCreatinine?.valueQuantity?.value !== undefined && (patient.gender === 'male' || patient.gender === 'female')
    ? ckdEpi2021(lastCreatinine.valueQuantity.value, age(when(lastCreatinine)), patient.gender) : undefined;
  const onKrt = resources.some((r) => (r.resourceType === 'Condition' || r.resourceType === 'Procedure') && codes(r as Condition).some((c) => KRT.has(c)));
  const active = (c: Condition) => !c.abatementDateTime || Date.parse(c.abatementDateTime) > asOf.getTime();
  const hasAf = resources.some((r) => r.resourceType === 'Condition' && codes(r as Condition).some((c) => AF.has(c)) && active(r as Condition)
    && Date.parse((r as Condition).onsetDateTime ?? (r as Condition).recordedDate ?? '') <= asOf.getTime());
  const deceased = patient.deceasedBoolean === true || Date.parse(patient.deceasedDateTime ?? '') <= asOf.getTime();
  return {
    file: path.basename(file), resources, patient, asOf, hasAf: hasAf && !deceased, deceased,
    kfreSupported: !deceased && egfr !== undefined && egfr < 60 && age(asOf.getTime()) >= 18 && recent(UACR).length > 0 && !onKrt,
  };
}

describeWithSharedData('every shared Synthea bundle through every service at its last encounter', () => {
  let scorer: InProcessScorer;
  let app: Running;
  let now = new Date();
  const cases = syntheaBundlePaths().map(caseOf);

  beforeAll(async () => {
    scorer = await createInProcessScorer(loadScorerConfig({}));
    app = await startTestApp({ engine: scorer, services: scorer.services(), now: () => now, env: { HOOK_DEADLINE_MS: '30000' } });
  });
  afterAll(async () => {
    await app?.close();
    await scorer?.close();
  });

  async function call(service: string, c: Case): Promise<{ summary: string; indicator: string }[]> {
    const descriptor = scorer.services().find((s) => s.id === service)!;
    now = c.asOf;
    const patientId = c.patient.id!;
    const draftOrders = descriptor.hook === 'order-sign' ? demoDraftOrders(patientId, c.resources) : undefined;
    const res = await postJson(`${app.url}/cds-services/${service}`, {
      hook: descriptor.hook, hookInstance: randomUUID(), context: { userId: 'Practitioner/regression', patientId, ...(draftOrders ? { draftOrders } : {}) },
      prefetch: buildPrefetch(descriptor.prefetch, c.resources, { patientId }),
    });
    expect({ file: c.file, service, status: res.status }).toEqual({ file: c.file, service, status: 200 });
    expect(cdsResponseSchema.safeParse(res.body).success).toBe(true);
    return res.body.cards;
  }

  it('has bundles with CKD data and with AF to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => c.kfreSupported).length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.hasAf).length).toBeGreaterThan(0);
  });

  it('answers every service validly for every bundle, with KFRE and AF cards where the data supports them', async () => {
    const missed: string[] = [];
    const tally = { calls: 0, cards: 0, kfre: 0, af: 0 };
    for (const c of cases) {
      for (const service of ['ckd-progression', 'cardiovascular-risk', 'af-stroke-prevention', 'medication-safety']) {
        const cards = await call(service, c);
        tally.calls += 1;
        tally.cards += cards.length;
        const text = cards.map((x) => x.summary).join('\n');
        if (c.deceased) {
          const indicator = service === 'medication-safety' ? 'warning' : 'info'; // draft orders for a deceased patient
          expect(cards.map((x) => [x.indicator, /^Patient recorded as deceased \(\d{4}-\d{2}-\d{2}\)/.test(x.summary)])).toEqual([[indicator, true]]);
          continue;
        }
        if (service === 'ckd-progression' && c.kfreSupported) {
          if (/kidney failure risk .*\(KFRE\)/.test(text)) tally.kfre += 1; else missed.push(`${c.file}: no KFRE card`);
        }
        if (service === 'af-stroke-prevention' && c.hasAf) {
          if (/^AF|atrial fibrillation/im.test(text)) tally.af += 1; else missed.push(`${c.file}: no AF card`);
        }
        if (service === 'af-stroke-prevention' && !c.hasAf) expect({ file: c.file, cards }).toEqual({ file: c.file, cards: [] });
      }
    }
    console.log(`synthea regression: ${cases.length} bundles (${cases.filter((c) => c.deceased).length} deceased at their last encounter), ${tally.calls} calls, ${tally.cards} cards; `
      + `KFRE shown for ${tally.kfre} of ${cases.filter((c) => c.kfreSupported).length} supported, AF card for ${tally.af} of ${cases.filter((c) => c.hasAf).length} with AF`);
    expect(missed).toEqual([]);
  }, 240_000);
});
