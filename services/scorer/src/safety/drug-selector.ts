/** Which drugs a rule row applies to: any listed class or ingredient matches. */
export interface DrugSelector {
  classes?: readonly string[];
  ingredients?: readonly string[];
  /** Human name of the group, for card text ("ACE inhibitors"). */
  name: string;
}

export function selects(sel: DrugSelector, drug: { ingredients: readonly string[]; classes: readonly string[] }): boolean {
  return (sel.classes ?? []).some((c) => drug.classes.includes(c)) || (sel.ingredients ?? []).some((i) => drug.ingredients.includes(i));
}

export const ACEI: DrugSelector = { classes: ['acei'], name: 'ACE inhibitors' };
export const ARB: DrugSelector = { classes: ['arb'], name: 'ARBs' };
export const ARNI: DrugSelector = { classes: ['arni'], ingredients: ['sacubitril'], name: 'sacubitril/valsartan (ARNI)' };
export const RASI: DrugSelector = { classes: ['acei', 'arb', 'arni'], ingredients: ['aliskiren'], name: 'RAS inhibitors (ACE inhibitor, ARB, ARNI, aliskiren)' };
export const STATIN: DrugSelector = { classes: ['statin'], name: 'statins' };
export const SGLT2I: DrugSelector = { classes: ['sglt2i'], name: 'SGLT2 inhibitors' };
export const DOAC: DrugSelector = { classes: ['doac'], name: 'DOACs' };
export const WARFARIN: DrugSelector = { classes: ['warfarin'], name: 'warfarin' };
export const ANTICOAGULANT: DrugSelector = { classes: ['doac', 'warfarin', 'anticoagulant'], name: 'oral anticoagulants' };
export const METFORMIN: DrugSelector = { classes: ['metformin'], name: 'metformin' };
export const NSAID: DrugSelector = { classes: ['nsaid'], name: 'NSAIDs' };

/**
 * Interacting groups (ingredient names as in the static RxNorm table).
 * Strong dual CYP3A4 + P-gp inhibitors: the apixaban and rivaroxaban labels (§7) name ketoconazole,
 * itraconazole and ritonavir; posaconazole and cobicistat are strong inhibitors of both as well.
 */
export const STRONG_DUAL_CYP3A4_PGP_INHIBITORS: DrugSelector = { ingredients: ['ketoconazole', 'itraconazole', 'posaconazole', 'ritonavir', 'cobicistat'], name: 'a strong dual CYP3A4 and P-gp inhibitor' };
/** Strong CYP3A4 (and P-gp) inducers named in the apixaban / rivaroxaban labels (§7). */
export const STRONG_CYP3A4_PGP_INDUCERS: DrugSelector = { ingredients: ['rifampin', 'carbamazepine', 'phenytoin', "st. john's wort"], name: "a strong CYP3A4 and P-gp inducer" };
/** Strong CYP3A4 inhibitors as listed in the simvastatin / lovastatin labels (§4). */
export const STRONG_CYP3A4_INHIBITORS: DrugSelector = { ingredients: ['ketoconazole', 'itraconazole', 'posaconazole', 'voriconazole', 'clarithromycin', 'ritonavir', 'cobicistat'], name: 'a strong CYP3A4 inhibitor' };
export const GEMFIBROZIL: DrugSelector = { ingredients: ['gemfibrozil'], name: 'gemfibrozil' };
export const CYCLOSPORINE: DrugSelector = { ingredients: ['cyclosporine'], name: 'cyclosporine' };
export const POTASSIUM_SPARING: DrugSelector = { classes: ['mra', 'finerenone'], ingredients: ['spironolactone', 'eplerenone', 'amiloride', 'triamterene', 'finerenone'], name: 'a potassium-sparing diuretic or MRA' };
export const RIFAMPIN: DrugSelector = { ingredients: ['rifampin'], name: 'rifampin' };
