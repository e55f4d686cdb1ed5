import { daysBeforeToken } from '@prognos/contracts';
import { clampSummary, describeInput, formatPercent, newCard, SOURCES } from './card-kit';
import { viewFeatureSet } from './feature-view';
import { scoringInput } from './test-support';

describe('card kit', () => {
  it('formats risks with one decimal below 10% and none above', () => {
    expect([0.0523, 0.05, 0.0999, 0.234, 0.0004, 0].map(formatPercent)).toEqual(['5.2%', '5.0%', '10.0%', '23%', '<0.1%', '0.0%']);
  });

  it('keeps summaries under 140 characters', () => {
    const long = 'word '.repeat(60).trim();
    expect(clampSummary(long).length).toBeLessThan(140);
    expect(clampSummary('short')).toBe('short');
  });

  it('counts a day token as the 10-character date it becomes, and never cuts one in half', () => {
    const token = daysBeforeToken(1826);
    // 143 characters with the token, 125 once the HTTP side writes the date: kept whole.
    const summary = `Kidney failure risk not computable: last eGFR 37 on ${token}, older than the 365-day window; order creatinine and urine ACR`;
    expect(summary.length).toBeGreaterThan(139);
    expect(clampSummary(summary)).toBe(summary);
    // Too long even with the date: cut at a word boundary, the token kept intact.
    const long = `Last eGFR on ${token} ${'word '.repeat(40).trim()}`;
    const clamped = clampSummary(long);
    expect(clamped.endsWith('…')).toBe(true);
    expect(clamped).toContain(token);
    expect(clamped.replace(token, '2021-03-13').length).toBeLessThan(140);
    // A token that would straddle the cut is dropped, never left as a fragment.
    const straddle = clampSummary(`${'x'.repeat(130)}${token}${'y'.repeat(20)}`);
    expect(straddle).not.toMatch(/urn:prognos|[\uE000\uE001]/);
    expect(straddle.length).toBeLessThan(140);
  });

  it('reads features by name and shows value, unit, date and derivation', () => {
    const input = scoringInput({ serviceId: 'x', sets: { 'egfr-trajectory': { egfr_last: { value: 41.26, date: '2025-01-02T10:00:00Z', derivation: 'computed' } } } });
    const view = viewFeatureSet(input, 'egfr-trajectory');
    expect(describeInput({ view, name: 'egfr_last', label: 'eGFR', digits: 0 })).toBe('- eGFR: 41 mL/min/1.73 m² (2025-01-02, computed)');
    expect(describeInput({ view, name: 'uacr_last', label: 'Urine ACR' })).toBeUndefined();
    expect(view.get('egfr_last_age_days')).toBeUndefined();
  });

  it('sets selectionBehavior only with suggestions and offers override reasons with displays', () => {
    const plain = newCard({ kind: 'x.y', summary: 's', indicator: 'info', source: SOURCES.kdigo2024, overrideReasons: false });
    expect(plain).not.toHaveProperty('selectionBehavior');
    expect(plain).not.toHaveProperty('overrideReasons');
    const withSuggestion = newCard({ kind: 'x.y', summary: 's', indicator: 'warning', source: SOURCES.kdigo2024, suggestions: [{ uuid: 'u', label: 'l' }] });
    expect(withSuggestion.selectionBehavior).toBe('at-most-one');
    expect(withSuggestion.overrideReasons!.every((r) => r.display.length > 0 && r.system === 'http://cds-hooks.hl7.org/CodeSystem/non-adherence-reason')).toBe(true);
  });
});
