import { INGREDIENTS, PRODUCTS } from './rxnorm-table';
import { classesForIngredients, ingredientsInText, resolveMedication, statinIntensity, strengthFromText } from './resolve-medication';

describe('static RxNorm table', () => {
  it('has unique codes and only known ingredients', () => {
    const names = new Set(INGREDIENTS.map((i) => i.name));
    const codes = [...INGREDIENTS.flatMap((i) => (i.rxcui ? [i.rxcui] : [])), ...PRODUCTS.map((p) => p.rxcui)];
    expect(new Set(codes).size).toBe(codes.length);
    for (const p of PRODUCTS) for (const i of p.ingredients) expect(names.has(i) ? i : `unknown ${i}`).toBe(i);
  });

  it('keeps the CPIC-verified ingredient codes of clinical-reference §3 and avoids the known wrong one', () => {
    const byName = new Map(INGREDIENTS.map((i) => [i.name, i]));
    expect(byName.get('clopidogrel')?.rxcui).toBe('32968'); // not 42463, which is pravastatin
    expect(byName.get('pravastatin')?.rxcui).toBe('42463');
    expect(byName.get('atorvastatin')).toMatchObject({ rxcui: '83367', verified: true });
    expect(byName.get('empagliflozin')?.verified).toBe(false);
  });

  // Product strengths as listed in VSAC eCQM expansions (CMS135 "ACE Inhibitor or ARB or ARNI",
  // "Anticoagulants for All Indications") and the FDA NDC directory; each of these was wrong before review.
  it.each([
    ['979485', 'losartan', 25], ['979492', 'losartan', 50], ['979480', 'losartan', 100],
    ['349199', 'valsartan', 80], ['349201', 'valsartan', 160],
    ['1599543', 'edoxaban', 15], ['1599555', 'edoxaban', 60],
    ['1488569', 'dapagliflozin', 10], ['1488574', 'dapagliflozin', 5],
    ['198211', 'simvastatin', 40],
    // Issue 10 review: NDC-to-RxNorm crosswalks (ndclist.com) of rosuvastatin, metformin and Eliquis.
    ['859424', 'rosuvastatin', 5], ['859747', 'rosuvastatin', 10], ['859751', 'rosuvastatin', 20], ['859419', 'rosuvastatin', 40],
    ['861007', 'metformin', 500], ['1364441', 'apixaban', 2.5], ['1364447', 'apixaban', 5],
  ] as const)('maps product %s to %s %p mg', (rxcui, ingredient, mg) => {
    const prod = PRODUCTS.find((p) => p.rxcui === rxcui);
    expect(prod).toMatchObject({ ingredients: [ingredient], strengthMg: mg });
  });

  it('has the sacubitril/valsartan strengths the right way round (1656340 = 24/26, 1656349 = 49/51)', () => {
    expect(PRODUCTS.find((p) => p.rxcui === '1656340')?.display).toBe('sacubitril 24 MG / valsartan 26 MG Oral Tablet');
    expect(PRODUCTS.find((p) => p.rxcui === '1656349')?.display).toBe('sacubitril 49 MG / valsartan 51 MG Oral Tablet');
  });
});

describe('resolveMedication', () => {
  it('maps a Synthea SCD code to ingredient, class and strength', () => {
    expect(resolveMedication([{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '855332' }], undefined)).toMatchObject({
      rxcui: '855332', ingredients: ['warfarin'], classes: ['warfarin', 'anticoagulant'], strengthMg: 5, matchedBy: 'code',
    });
  });

  it('falls back to ingredient and brand names in the text', () => {
    expect(resolveMedication([{ code: '999999999' }], 'Jardiance 25 mg tablet')).toMatchObject({ ingredients: ['empagliflozin'], classes: ['sglt2i'], strengthMg: 25, matchedBy: 'name' });
    expect(resolveMedication([], 'paracetamol 500 mg')).toBeUndefined();
  });

  it('holds only product codes checked against a public RxNorm source (unverified ones were removed)', () => {
    expect(PRODUCTS.filter((p) => !p.verified).map((p) => p.rxcui)).toEqual([]);
    // A removed code still resolves by the ingredient and strength written in its display.
    expect(resolveMedication([{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '314231', display: 'simvastatin 10 MG Oral Tablet' }], undefined))
      .toMatchObject({ rxcui: '314231', ingredients: ['simvastatin'], strengthMg: 10, matchedBy: 'name' });
    expect(resolveMedication([{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '314231' }], undefined)).toBeUndefined();
  });

  it('keeps the table strength of a verified product code', () => {
    // A verified code keeps its table strength.
    expect(resolveMedication([{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '979492', display: 'losartan 100 mg' }], undefined))
      .toMatchObject({ ingredients: ['losartan'], strengthMg: 50, matchedBy: 'code' });
  });

  it('reads strength in mg but not concentrations', () => {
    expect(strengthFromText('Lasix 40mg')).toBe(40);
    expect(strengthFromText('10 ML Furosemide 10 MG/ML Injection')).toBeUndefined();
    expect(ingredientsInText('Acetaminophen 325 MG / oxyCODONE 5 MG')).toEqual([]);
    expect(classesForIngredients(['sacubitril', 'valsartan']).sort()).toEqual(['antihypertensive', 'arni']);
  });

  it('grades statin intensity by the ACC/AHA table', () => {
    expect(statinIntensity('atorvastatin', 80)).toBe(3);
    expect(statinIntensity('atorvastatin', 20)).toBe(2);
    expect(statinIntensity('rosuvastatin', 20)).toBe(3);
    expect(statinIntensity('rosuvastatin', 5)).toBe(2);
    expect(statinIntensity('simvastatin', 40)).toBe(2);
    expect(statinIntensity('simvastatin', 10)).toBe(1);
    expect(statinIntensity('pravastatin', 20)).toBe(1);
    expect(statinIntensity('metformin', 20)).toBeUndefined();
  });
});
