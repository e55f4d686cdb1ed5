/**
 * Sources the safety rules cite (card `source` and detail). Labels are the US prescribing
 * information (section named in each rule's text); DailyMed search links lead to the current label.
 */
import type { Source } from '@prognos/contracts';

const dailymed = (label: string, query: string): Source => ({ label, url: `https://dailymed.nlm.nih.gov/dailymed/search.cfm?query=${encodeURIComponent(query)}` });

export const SAFETY_SOURCES = {
  aceiLabel: dailymed('ACE inhibitor US prescribing information (e.g. lisinopril)', 'lisinopril'),
  arbLabel: dailymed('ARB US prescribing information (e.g. losartan)', 'losartan'),
  arniLabel: dailymed('Sacubitril/valsartan (Entresto) US prescribing information', 'entresto'),
  statinLabel: dailymed('Statin US prescribing information (simvastatin, atorvastatin, rosuvastatin, pravastatin, pitavastatin)', 'simvastatin'),
  statinPregnancyFda2021: {
    label: 'FDA Drug Safety Communication (2021): statins in pregnancy',
    url: 'https://www.fda.gov/drugs/drug-safety-and-availability/fda-requests-removal-strongest-warning-against-using-cholesterol-lowering-statins-during-pregnancy',
  },
  sglt2iLabel: dailymed('SGLT2 inhibitor US prescribing information (dapagliflozin, empagliflozin)', 'empagliflozin'),
  apixabanLabel: { label: 'Apixaban (Eliquis) US prescribing information', url: 'https://www.accessdata.fda.gov/drugsatfda_docs/label/2021/202155s033lbl.pdf' },
  doacLabel: dailymed('DOAC US prescribing information (apixaban, rivaroxaban, dabigatran, edoxaban)', 'apixaban'),
  warfarinLabel: dailymed('Warfarin US prescribing information', 'warfarin'),
  metforminLabel: dailymed('Metformin US prescribing information', 'metformin'),
  nsaidFda2020: {
    label: 'FDA Drug Safety Communication (2020): avoid NSAIDs at 20 weeks of pregnancy or later',
    url: 'https://www.fda.gov/drugs/drug-safety-and-availability/fda-recommends-avoiding-use-nsaids-pregnancy-20-weeks-or-later-because-they-can-result-low-amniotic',
  },
  af2023: { label: '2023 ACC/AHA/ACCP/HRS Atrial Fibrillation Guideline', url: 'https://doi.org/10.1161/CIR.0000000000001193' },
  kdigo2024: { label: 'KDIGO 2024 CKD Guideline', url: 'https://kdigo.org/guidelines/ckd-evaluation-and-management/' },
  whoReproductiveAge: { label: 'WHO: women of reproductive age (15-49 years)', url: 'https://www.who.int/data/gho/indicator-metadata-registry/imr-details/women-of-reproductive-age-(15-49-years)-population-(thousands)' },
  labelHypersensitivity: { label: 'US prescribing information §4 Contraindications (known hypersensitivity)' },
  notScreened: { label: 'Prognos clinical safety screening' },
} as const satisfies Record<string, Source>;
