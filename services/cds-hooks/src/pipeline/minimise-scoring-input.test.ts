import { FEATURE_SETS, HOOK_TIME_REFERENCE, SEQUENCE_SETS, daysBeforeToken, type CdsServiceDescriptor, type ScoringInput, type SequencePayload } from '@prognos/contracts';
import { bindPlaceholders } from './bind-references';
import { buildScoringInput } from './build-scoring-input';
import { calendarDaysBefore, minimiseScoringInput, unminimisedField } from './minimise-scoring-input';

const asOf = new Date('2025-10-01T08:30:00Z');

function input(): ScoringInput {
  const names = FEATURE_SETS['kfre-4var'].features.map((f) => f.name);
  return {
    correlationId: 'c1', serviceId: 'ckd-progression', asOf: asOf.toISOString(),
    featureSets: {
      'kfre-4var': {
        set: 'kfre-4var', version: '1.0.0', names, values: [67.83, 1, 28, 450], present: [1, 1, 1, 1],
        provenance: [
          { feature: 'age_years', items: [{ concept: 'age', value: 67.8342, unit: 'a', resourceType: 'Patient', derivation: 'computed' }] },
          { feature: 'egfr', items: [{ concept: 'egfr', value: 28, unit: 'mL/min/{1.73_m2}', date: '2025-09-01T23:10:00-05:00', resourceType: 'Observation', display: 'eGFR 28 on 2025-09-01 (free text)', derivation: 'computed' }] },
          { feature: 'uacr_mg_g', items: [{ concept: 'condition:ckd', date: '2024-02-29', resourceType: 'Condition', display: 'Chronic kidney disease stage 4', derivation: 'coded' }] },
        ],
      },
    },
  };
}

describe('scoring input minimisation', () => {
  it('sends whole-year ages, days before the hook instead of dates, the hook time as a placeholder, coded displays only', () => {
    const out = minimiseScoringInput(input(), asOf);
    expect(out.asOf).toBe(HOOK_TIME_REFERENCE);
    const p = out.featureSets['kfre-4var']!;
    expect(p.values).toEqual([67, 1, 28, 450]);
    expect(p.provenance[0]!.items[0]!.value).toBe(67);
    expect(p.provenance[1]!.items[0]).toEqual({ concept: 'egfr', value: 28, unit: 'mL/min/{1.73_m2}', daysBefore: 30, resourceType: 'Observation', derivation: 'computed' });
    expect(p.provenance[2]!.items[0]).toMatchObject({ daysBefore: 580, display: 'Chronic kidney disease stage 4' });
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/2025-|2024-|67\.8/);
    expect(unminimisedField(out)).toBeUndefined();
    expect(unminimisedField(input())).toBe('asOf');
  });

  it("turns a date in an extractor's note into a day token that binds back to the same date", () => {
    const raw = input();
    raw.featureSets['kfre-4var']!.provenance[3] = { feature: 'uacr_mg_g', items: [], note: 'too old: last value 2021-03-13, 1663 days old, older than the 365-day window (LAB_MAX_AGE_DAYS)' };
    const out = minimiseScoringInput(raw, asOf);
    // A minimised input that still carries a dated note is refused before it is queued.
    const leaky = structuredClone(out);
    leaky.featureSets['kfre-4var']!.provenance[3]!.note = raw.featureSets['kfre-4var']!.provenance[3]!.note;
    expect(unminimisedField(leaky)).toBe('featureSets.kfre-4var.provenance.uacr_mg_g.note');
    const note = out.featureSets['kfre-4var']!.provenance[3]!.note!;
    expect(note).toBe(`too old: last value ${daysBeforeToken(calendarDaysBefore('2021-03-13', asOf)!)}, 1663 days old, older than the 365-day window (LAB_MAX_AGE_DAYS)`);
    expect(JSON.stringify(out)).not.toMatch(/2021-/);
    expect(unminimisedField(out)).toBeUndefined();
    expect(bindPlaceholders(note, { patientId: 'p', draftOrders: [], asOf })).toBe(raw.featureSets['kfre-4var']!.provenance[3]!.note);
    // A note without a date is left as it is.
    expect(minimiseScoringInput(input(), asOf).featureSets['kfre-4var']!.provenance.every((p) => p.note === undefined)).toBe(true);
  });

  it('restores exactly the calendar date a card would have shown (the date as written in the record)', () => {
    for (const date of ['2025-09-01T23:10:00-05:00', '2024-02-29', '2025-10-01T00:00:00Z', '2020-12-31T23:59:59+14:00']) {
      const days = calendarDaysBefore(date, asOf)!;
      expect(bindPlaceholders(`eGFR (${daysBeforeToken(days)}, computed)`, { patientId: 'p', draftOrders: [], asOf })).toBe(`eGFR (${date.slice(0, 10)}, computed)`);
    }
    expect(bindPlaceholders({ occurrenceDateTime: HOOK_TIME_REFERENCE }, { patientId: 'p', draftOrders: [], asOf })).toEqual({ occurrenceDateTime: asOf.toISOString() });
  });

  describe('learned-model sequences', () => {
    const DEF = SEQUENCE_SETS['ckd-progression-seq'];
    const C = 2 + 2 * DEF.concepts.length;
    const obs = (code: string, value: number, unit: string, date: string) => ({
      resourceType: 'Observation', status: 'final', effectiveDateTime: date, subject: { reference: 'Patient/p' },
      code: { coding: [{ system: 'http://loinc.org', code }] },
      valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    });
    const descriptor: CdsServiceDescriptor = {
      id: 'ckd-progression', hook: 'patient-view', title: 't', description: 'd', prefetch: {}, requiredPrefetch: [],
      featureSets: ['kfre-4var'], sequences: ['ckd-progression-seq'], usesDraftOrders: false, models: [], origin: 'bundled',
    };
    const built = (): ScoringInput => buildScoringInput({
      descriptor,
      resources: [
        { resourceType: 'Patient', id: 'p', gender: 'female', birthDate: '1957-12-02' },
        obs('33914-3', 41, 'mL/min/{1.73_m2}', '2023-03-14T16:45:00Z'),
        obs('33914-3', 33, 'mL/min/{1.73_m2}', '2025-09-01T23:10:00-05:00'),
        obs('9318-7', 310, 'mg/g', '2025-09-02T09:00:00Z'),
      ] as never,
      asOf,
    });

    it('cross with whole days before the hook and a whole-year age, and pass the queue check', () => {
      const input = built();
      const seq = input.sequences!['ckd-progression-seq']!;
      expect(seq.length).toBe(2);
      // 2023-03-14 and 2025-09-02 (the -05:00 eGFR falls on 2025-09-02 UTC, one step with the ACR): days before 2025-10-01.
      expect([0, 1].map((i) => Math.round(seq.steps[i * C]! * 365.2425))).toEqual([932, 29]);
      const age = DEF.statics.findIndex((x) => x.source === 'age_years');
      expect(seq.statics[age]! * DEF.statics[age]!.scale + DEF.statics[age]!.center).toBeCloseTo(67, 9); // 67.83 years
      expect(unminimisedField(input)).toBeUndefined();
    });

    it('are refused when a step time, a gap or the age is not whole, or the set is unknown', () => {
      const withSeq = (change: (s: SequencePayload) => void): ScoringInput => {
        const input = built();
        change(input.sequences!['ckd-progression-seq']!);
        return input;
      };
      expect(unminimisedField(withSeq((s) => { s.steps[C] += 0.3 / 365.2425; }))).toBe('sequences.ckd-progression-seq.steps.years_before_index');
      expect(unminimisedField(withSeq((s) => { s.steps[C + 1] = 12.5 / 365.2425; }))).toBe('sequences.ckd-progression-seq.steps.gap_years');
      const age = DEF.statics.findIndex((x) => x.source === 'age_years');
      expect(unminimisedField(withSeq((s) => { s.statics[age] = (67.83 - 65) / 15; }))).toBe('sequences.ckd-progression-seq.statics.age');
      expect(unminimisedField(withSeq((s) => { s.set = 'unknown-seq'; }))).toBe('sequences.ckd-progression-seq.set');
    });
  });
});
