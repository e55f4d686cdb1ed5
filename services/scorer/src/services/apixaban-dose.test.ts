import { assessApixabanDose } from './apixaban-dose';

// Eliquis US label §2.2 (2 of 3 criteria) and §2.5 / §7.1 (strong dual CYP3A4 and P-gp inhibitors).
describe('assessApixabanDose with strong dual CYP3A4/P-gp inhibitors', () => {
  const none = { ageYears: 70, weightKg: 80, creatinineMgDl: 1.0 };
  const two = { ageYears: 82, weightKg: 58, creatinineMgDl: 1.0 };
  it('no criterion, no inhibitor: 5 mg; with ketoconazole: 2.5 mg', () => {
    expect(assessApixabanDose(none)).toMatchObject({ reduce: false, avoid: false });
    const d = assessApixabanDose({ ...none, strongDualInhibitor: 'ketoconazole' });
    expect(d).toMatchObject({ reduce: true, avoid: false });
    expect(d.met.join(' ')).toContain('ketoconazole');
  });
  it('two criteria: 2.5 mg; with ritonavir as well: avoid apixaban', () => {
    expect(assessApixabanDose(two)).toMatchObject({ reduce: true, avoid: false });
    expect(assessApixabanDose({ ...two, strongDualInhibitor: 'ritonavir' })).toMatchObject({ reduce: true, avoid: true });
  });
});
