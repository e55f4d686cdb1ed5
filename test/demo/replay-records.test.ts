/**
 * Replays generated patients and every shared Synthea bundle through the four built-in services
 * with the real pipeline (fhir-features extraction → in-process scorer with the bundled ONNX models
 * → card policies): no crash, and every card valid to the CDS Hooks 2.0 card rules once its
 * placeholders are bound as the HTTP side binds them.
 */
import type { Bundle } from '@medplum/fhirtypes';
import {
  ENCOUNTER_REFERENCE, PATIENT_REFERENCE, cardSchema, type CardDraft, type CdsServiceDescriptor, type FeatureSetName, type ScoringInput, type ScoringOutput,
} from '@prognos/contracts';
import { buildFeatureSet, extractPatientFeatures, summarizeDraftOrders, toFeaturePayload } from '@prognos/fhir-features';
import { createInProcessScorer, createScorerLogger, loadScorerConfig, type InProcessScorer } from '@prognos/scorer';
import { describeWithSharedData } from '../support/shared-data';
import type { Resource } from '@medplum/fhirtypes';
import { recordAgeNote } from './record-age-note';
import { daysToNow, shiftRecord } from './shift-record';
import { demoDraftOrders, generatedRecords, syntheaRecords, type SampleRecord } from './sample-records';

describe('the demo line for old records', () => {
  it('says in one line why a record older than LAB_MAX_AGE_DAYS is not computable, and nothing for a current one', () => {
    const now = new Date('2026-12-03T00:00:00Z');
    expect(recordAgeNote(new Date('2021-03-13T00:00:00Z'), now, 365)).toBe(
      'data ends 2021-03-13 (2091 days ago): results older than 365 days (LAB_MAX_AGE_DAYS) are not used, so most predictions are "not computable"; below it, the same record moved to end now');
    expect(recordAgeNote(new Date('2026-11-01T00:00:00Z'), now, 365)).toBeUndefined();
    expect(recordAgeNote(new Date('2025-12-03T00:00:00Z'), now, 365)).toBeUndefined(); // exactly 365 days: still used
  });

  it('moves every date of a record forward by whole days (birthDate too), and nothing else', () => {
    const patient = { resourceType: 'Patient', id: '2021-01-01', birthDate: '1950-03-13', deceasedBoolean: false } as Resource;
    const obs = { resourceType: 'Observation', id: 'o1', status: 'final', code: { coding: [{ code: '2160-0' }] }, effectiveDateTime: '2021-03-13T10:15:00+02:00', issued: '2021-03-13T12:00:00.000Z', valueQuantity: { value: 1.2 } } as Resource;
    const days = daysToNow(new Date('2021-03-13T12:00:00Z'), new Date('2026-12-03T00:00:00Z'));
    expect(days).toBe(2089);
    const [p, o] = shiftRecord([patient, obs], days) as unknown as Record<string, unknown>[];
    expect(p).toEqual({ resourceType: 'Patient', id: '2021-01-01', birthDate: '1955-12-01', deceasedBoolean: false });
    expect(o!.effectiveDateTime).toBe('2026-12-01T08:15:00.000Z');
    expect(o!.issued).toBe('2026-12-01T12:00:00.000Z');
    expect(o!.code).toEqual({ coding: [{ code: '2160-0' }] });
  });
});

const SERVICE_IDS = ['ckd-progression', 'cardiovascular-risk', 'af-stroke-prevention', 'medication-safety', 'pharmacogenomics'];

let scorer: InProcessScorer;
let descriptors: Map<string, CdsServiceDescriptor>;

beforeAll(async () => {
  scorer = await createInProcessScorer(loadScorerConfig({ SCORER_DEVICE: 'cpu' } as NodeJS.ProcessEnv), { logger: createScorerLogger('silent') });
  descriptors = new Map(scorer.services().map((d) => [d.id, d]));
}, 60_000);

afterAll(async () => {
  await scorer?.close();
});

function scoringInput(record: SampleRecord, descriptor: CdsServiceDescriptor, draftOrders?: Bundle): ScoringInput {
  const features = extractPatientFeatures(record.resources, record.asOf);
  const featureSets: ScoringInput['featureSets'] = {};
  for (const name of descriptor.featureSets) featureSets[name] = toFeaturePayload(buildFeatureSet(name as FeatureSetName, features));
  const input: ScoringInput = { correlationId: 'replay', serviceId: descriptor.id, asOf: record.asOf.toISOString(), featureSets };
  if (descriptor.usesDraftOrders) input.draftOrders = summarizeDraftOrders(draftOrders);
  return input;
}

function bind(v: unknown): unknown {
  if (v === PATIENT_REFERENCE) return 'Patient/example';
  if (v === ENCOUNTER_REFERENCE) return 'Encounter/example';
  if (Array.isArray(v)) return v.map(bind);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bind(x)]));
  return v;
}

/** The card as the HTTP side sends it: placeholders bound, draft-order actions turned into resourceId/resource. */
function toWireCard(draft: CardDraft): unknown {
  const { kind: _kind, ...card } = bind(draft) as CardDraft;
  return {
    ...card,
    ...(card.suggestions ? {
      suggestions: card.suggestions.map((s) => ({
        ...s,
        ...(s.actions ? {
          actions: s.actions.map(({ draftOrderIndex, patch, ...a }) => (draftOrderIndex === undefined ? a : {
            ...a, resourceId: `MedicationRequest/d${draftOrderIndex}`,
            ...(a.type === 'update' ? { resource: { resourceType: 'MedicationRequest', id: `d${draftOrderIndex}`, ...patch } } : {}),
          })),
        } : {}),
      })),
    } : {}),
  };
}

function emptyOrNull(v: unknown, path = '$'): string[] {
  if (v === null) return [path];
  if (typeof v === 'string') return v.length === 0 ? [path] : [];
  if (Array.isArray(v)) return v.length === 0 ? [path] : v.flatMap((x, i) => emptyOrNull(x, `${path}[${i}]`));
  if (v && typeof v === 'object') {
    const e = Object.entries(v);
    return e.length === 0 ? [path] : e.flatMap(([k, x]) => emptyOrNull(x, `${path}.${k}`));
  }
  return [];
}

async function replay(record: SampleRecord, serviceId: string): Promise<ScoringOutput> {
  const descriptor = descriptors.get(serviceId)!;
  const drafts = descriptor.usesDraftOrders ? demoDraftOrders(record.patientId, record.resources) : undefined;
  const out = await scorer.score(scoringInput(record, descriptor, drafts), { deadline: Date.now() + 20_000 });
  for (const card of out.cards) {
    expect(emptyOrNull(card)).toEqual([]);
    expect(card.kind).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
    const parsed = cardSchema.safeParse(toWireCard(card));
    if (!parsed.success) throw new Error(`${record.label} / ${serviceId} / ${card.kind}: ${parsed.error.message}`);
  }
  return out;
}

const kinds = (out: ScoringOutput) => out.cards.map((c) => c.kind);

describe('built-in services on generated patients', () => {
  const records = generatedRecords();
  const byProfile = (p: string) => records.find((r) => r.profile === p)!;

  it('registers the built-in services with the scorer', () => {
    expect(SERVICE_IDS.every((id) => descriptors.has(id))).toBe(true);
  });

  it.each(records.map((r) => [r.label, r] as const))('%s: every service answers with valid cards', async (_label, record) => {
    for (const id of SERVICE_IDS) await replay(record, id);
  });

  it('computes KFRE with the bundled model for CKD G4 A3 and suggests nephrology referral', async () => {
    const out = await replay(byProfile('ckd-g4-a3'), 'ckd-progression');
    const p5 = out.predictions.find((p) => p.modelId === 'kfre-4var-na' && p.output === 'risk_5y');
    expect(p5?.value).toBeGreaterThan(0.05);
    expect(kinds(out)).toEqual(expect.arrayContaining(['ckd.kfre-risk', 'ckd.nephrology-referral']));
    expect(out.cards.find((c) => c.kind === 'ckd.kfre-risk')!.summary).toMatch(/^5-year kidney failure risk \d/);
  });

  it('flags metformin as contraindicated and the NSAID as unsafe for CKD G4', async () => {
    // Without its genotype panel (a quarter of generated patients get one, this one included), so the
    // demo drafts no warfarin beside the ibuprofen: with warfarin the safety stage answers the NSAID
    // with "do not sign (with warfarin)" first, and the kidney card is not added (tested below).
    const record = byProfile('ckd-g4-a3');
    const genotyped = (r: Resource) => r.resourceType === 'Observation' && /84413-4|VKORC1/.test(JSON.stringify((r as { code?: unknown }).code ?? {}));
    const out = await replay({ ...record, resources: record.resources.filter((r) => !genotyped(r)) }, 'medication-safety');
    expect(kinds(out)).toEqual(expect.arrayContaining(['medsafety.metformin-contraindicated']));
    expect(kinds(out).some((k) => k.startsWith('medsafety.nsaid-'))).toBe(true);
    // The record as generated (genotyped: warfarin drafted too): the NSAID is still stopped, by the stage.
    const withWarfarin = await replay(record, 'medication-safety');
    expect(withWarfarin.cards.find((c) => c.kind === 'medsafety.screen-block' && /^Ibuprofen/.test(c.summary))?.summary).toMatch(/do not sign \(with warfarin\)/);
    // Its bundled Medications (urn:uuid references) resolve, so the co-medication list is complete.
    expect(withWarfarin.cards.map((c) => c.summary).join('\n')).not.toMatch(/medication list incomplete/);
  });

  it('assesses stroke risk for the atrial fibrillation profile', async () => {
    const out = await replay(byProfile('af-hf'), 'af-stroke-prevention');
    expect(out.cards.length).toBeGreaterThan(0);
    expect(out.cards[0]!.summary).toContain('CHA2DS2-VASc');
  });

  it('gives the pharmacogenomic profile an IWPC genotype-guided warfarin dose', async () => {
    const out = await replay(byProfile('pgx'), 'pharmacogenomics');
    expect(kinds(out)).toContain('pgx.warfarin-iwpc-dose');
    expect(out.predictions.find((p) => p.modelId === 'iwpc-warfarin' && p.output === 'weekly_dose_mg')?.value).toBeGreaterThan(5);
  });

  it('gives the healthy profile no AF card', async () => {
    expect((await replay(byProfile('healthy'), 'af-stroke-prevention')).cards).toEqual([]);
  });
});

describeWithSharedData('built-in services on every shared Synthea bundle', () => {
  const records = syntheaRecords();

  it('has bundles to replay', () => {
    expect(records.length).toBeGreaterThan(0);
  });

  it.each(records.map((r) => [r.label, r] as const))('%s: no crash, every card valid', async (_label, record) => {
    for (const id of SERVICE_IDS) await replay(record, id);
  });
});


