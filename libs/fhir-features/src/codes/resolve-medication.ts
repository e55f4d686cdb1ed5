/**
 * Resolves a medication coding (RxNorm product or ingredient) and its text to ingredients, classes
 * and strength, through the static table in rxnorm-table.ts.
 */
import { type Coding } from '../fhir-read';
import { INGREDIENTS, PRODUCTS, type IngredientInfo, type MedicationClass, type ProductInfo } from './rxnorm-table';

export const RXNORM_SYSTEM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

export interface ResolvedMedication {
  /** RxCUI as coded, when one was. */
  rxcui?: string;
  display?: string;
  ingredients: string[];
  classes: MedicationClass[];
  /** Strength per unit dose, mg (single-ingredient products). */
  strengthMg?: number;
  /** How the match was made: table code (verified or not) or ingredient name in the text. */
  matchedBy: 'code' | 'unverified_code' | 'name';
}

const ingredientByName = new Map<string, IngredientInfo>(INGREDIENTS.map((i) => [i.name, i]));
const ingredientByRxcui = new Map<string, IngredientInfo>();
for (const i of INGREDIENTS) if (i.rxcui) ingredientByRxcui.set(i.rxcui, i);
const productByRxcui = new Map<string, ProductInfo>(PRODUCTS.map((p) => [p.rxcui, p]));

/** Name or alias (lower case) -> ingredient name. */
const nameToIngredient = new Map<string, string>();
for (const i of INGREDIENTS) {
  nameToIngredient.set(i.name, i.name);
  for (const a of i.aliases ?? []) nameToIngredient.set(a, i.name);
}
// One alternation, longest names first so 'metoprolol succinate' style prefixes cannot shadow.
const NAME_PATTERN = new RegExp(
  '\\b(' + [...nameToIngredient.keys()].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') + ')\\b',
  'g',
);

/** Ingredient names found in free text (display, CodeableConcept.text). */
export function ingredientsInText(text: string): string[] {
  const found: string[] = [];
  if (text.length > 500) text = text.slice(0, 500);
  const lower = text.toLowerCase();
  NAME_PATTERN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = NAME_PATTERN.exec(lower)) !== null) {
    const ing = nameToIngredient.get(m[1]);
    if (ing && !found.includes(ing)) found.push(ing);
  }
  return found;
}

/** Strength in mg from an RxNorm-style name ('Simvastatin 20 MG Oral Tablet', 'Lasix 40mg'); not 'MG/ML'. */
export function strengthFromText(text: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*mg\b(?!\s*\/)/i.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

function firstStrength(texts: readonly string[]): number | undefined {
  for (const t of texts) {
    const mg = strengthFromText(t);
    if (mg !== undefined) return mg;
  }
  return undefined;
}

/** Classes of a set of ingredients; a sacubitril product is an ARNI, not an ARB. */
export function classesForIngredients(ingredients: readonly string[]): MedicationClass[] {
  const out = new Set<MedicationClass>();
  for (const name of ingredients) for (const cl of ingredientByName.get(name)?.classes ?? []) out.add(cl);
  if (ingredients.includes('sacubitril')) out.delete('arb');
  return [...out];
}

/**
 * Resolves codings + text. Verified table codes win; an unverified code is overruled by the
 * ingredient names in the text when they disagree; with no table hit the text alone decides.
 * @returns undefined when no ingredient of interest is recognised
 */
export function resolveMedication(codings: readonly Coding[], text: string | undefined): ResolvedMedication | undefined {
  let tableHit: { ingredients: readonly string[]; strengthMg?: number; verified: boolean; rxcui: string; display?: string } | undefined;
  let anyRxcui: string | undefined;
  let display: string | undefined = text;
  for (const c of codings) {
    if (c.system !== undefined && c.system !== RXNORM_SYSTEM) continue;
    anyRxcui ??= c.code;
    display ??= c.display;
    const prod = productByRxcui.get(c.code);
    if (prod) {
      tableHit = { ingredients: prod.ingredients, strengthMg: prod.strengthMg, verified: prod.verified, rxcui: c.code, display: c.display ?? prod.display };
      break;
    }
    const ing = ingredientByRxcui.get(c.code);
    if (ing) {
      tableHit = { ingredients: [ing.name], verified: ing.verified, rxcui: c.code, display: c.display ?? ing.name };
      break;
    }
  }
  let textIngredients: string[] = [];
  const texts: string[] = [];
  if (text) texts.push(text);
  for (const c of codings) if (c.display) texts.push(c.display);
  for (const t of texts) {
    for (const i of ingredientsInText(t)) if (!textIngredients.includes(i)) textIngredients.push(i);
  }

  let ingredients: readonly string[];
  let strengthMg: number | undefined;
  let matchedBy: ResolvedMedication['matchedBy'];
  if (tableHit && (tableHit.verified || textIngredients.length === 0 || textIngredients.some((i) => tableHit.ingredients.includes(i)))) {
    ingredients = tableHit.ingredients;
    // An unverified table strength must not overrule the strength the sender wrote: the table had
    // wrong strengths for several product codes (e.g. losartan, valsartan, simvastatin) before review.
    strengthMg = tableHit.verified ? tableHit.strengthMg : undefined;
    if (!tableHit.verified && ingredients.length === 1) strengthMg = firstStrength(texts) ?? tableHit.strengthMg;
    matchedBy = tableHit.verified ? 'code' : 'unverified_code';
    display = tableHit.display ?? display;
  } else if (textIngredients.length > 0) {
    ingredients = textIngredients;
    matchedBy = 'name';
  } else {
    return undefined;
  }
  if (strengthMg === undefined && ingredients.length === 1) strengthMg = firstStrength(texts);
  const out: ResolvedMedication = { ingredients: [...ingredients], classes: classesForIngredients(ingredients), matchedBy };
  const rxcui = tableHit?.rxcui ?? anyRxcui;
  if (rxcui) out.rxcui = rxcui;
  if (display) out.display = display;
  if (strengthMg !== undefined) out.strengthMg = strengthMg;
  return out;
}

/**
 * Statin intensity by daily dose, ACC/AHA 2018 cholesterol guideline (Grundy 2018, Table 3; the
 * 2013 Stone guideline table is the same): 3 high, 2 moderate, 1 low.
 */
export function statinIntensity(ingredient: string, dailyMg: number): 1 | 2 | 3 | undefined {
  switch (ingredient) {
    case 'atorvastatin': return dailyMg >= 40 ? 3 : dailyMg >= 10 ? 2 : 1;
    case 'rosuvastatin': return dailyMg >= 20 ? 3 : dailyMg >= 5 ? 2 : 1;
    case 'simvastatin': return dailyMg >= 20 ? 2 : 1;
    case 'pravastatin': return dailyMg >= 40 ? 2 : 1;
    case 'lovastatin': return dailyMg >= 40 ? 2 : 1;
    case 'fluvastatin': return dailyMg >= 80 ? 2 : 1;
    // 2018 Table 3 lists pitavastatin 1-4 mg as moderate intensity (no low-intensity pitavastatin dose).
    case 'pitavastatin': return 2;
    default: return undefined;
  }
}
