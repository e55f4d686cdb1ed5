/**
 * Static RxNorm table: ingredient and product (SCD/SBD) RxCUIs -> ingredient(s), strength and class.
 * The runtime cannot reach RxNav, so this is shipped in the repo (clinical-reference.md §3).
 *
 * `verified: true` means the code/name pair was checked against a source we trust:
 *  - ingredient RxCUIs from cpicpgx/cpic-schema drug.sql (clinical-reference §3, "verified" table);
 *  - product RxCUIs observed with that display in the Synthea sample data (../shared/data/synthea-r4);
 *  - product RxCUIs listed with that display in a VSAC eCQM value-set expansion, or mapped to exactly
 *    that product by single-strength listings of the FDA NDC directory (sources noted per group).
 * Everything else is `verified: false` (recalled or seen only in third-party code): verify with
 * RxNav before release. For unverified codes the matcher cross-checks the ingredient name in the
 * coding display / text and trusts the name when they disagree (see resolve-medication.ts).
 */

export type MedicationClass =
  | 'statin'
  | 'sglt2i'
  | 'acei'
  | 'arb'
  | 'arni'
  | 'doac'
  | 'warfarin'
  | 'anticoagulant'
  | 'antiplatelet'
  | 'aspirin'
  | 'nsaid'
  | 'metformin'
  | 'glp1ra'
  | 'finerenone'
  | 'mra'
  | 'beta_blocker'
  | 'ccb'
  | 'thiazide'
  | 'loop_diuretic'
  | 'antihypertensive'
  | 'insulin'
  | 'sulfonylurea'
  // Pharmacogenomics (issue 12): drugs with a CPIC gene-drug guideline and IWPC warfarin covariates.
  | 'opioid'
  | 'thiopurine'
  | 'fluoropyrimidine'
  | 'nrti'
  | 'amiodarone'
  | 'enzyme_inducer';

export interface IngredientInfo {
  /** Lower-case RxNorm ingredient name. */
  name: string;
  rxcui?: string;
  verified: boolean;
  classes: readonly MedicationClass[];
  /** Brand and misspelt names that identify the ingredient in free text (lower case). */
  aliases?: readonly string[];
}

const AH: MedicationClass = 'antihypertensive';
const ing = (name: string, rxcui: string | undefined, verified: boolean, classes: MedicationClass[], aliases?: string[]): IngredientInfo =>
  aliases ? { name, rxcui, verified, classes, aliases } : { name, rxcui, verified, classes };

/** Class assignment follows the ATC groups of clinical-reference §3. */
export const INGREDIENTS: readonly IngredientInfo[] = [
  // Statins (C10AA). All seven ingredient RxCUIs are also in the VSAC "Statin Allergen" value set
  // (2.16.840.1.113762.1.4.1110.42, vendored in canvas-medical/canvas-plugins).
  ing('atorvastatin', '83367', true, ['statin'], ['lipitor']),
  ing('simvastatin', '36567', true, ['statin'], ['simvistatin', 'zocor']), // 'Simvistatin' is Synthea's spelling
  ing('rosuvastatin', '301542', true, ['statin'], ['crestor']),
  ing('pravastatin', '42463', true, ['statin'], ['pravachol']),
  ing('lovastatin', '6472', true, ['statin'], ['mevacor']),
  ing('fluvastatin', '41127', true, ['statin'], ['lescol']),
  ing('pitavastatin', '861634', true, ['statin'], ['livalo']),
  // SGLT2 inhibitors (A10BK)
  ing('empagliflozin', '1545653', false, ['sglt2i'], ['jardiance']),
  ing('dapagliflozin', '1488564', false, ['sglt2i'], ['farxiga', 'forxiga']),
  ing('canagliflozin', '1373458', false, ['sglt2i'], ['invokana']),
  ing('ertugliflozin', undefined, false, ['sglt2i'], ['steglatro']),
  ing('sotagliflozin', undefined, false, ['sglt2i'], ['inpefa']),
  // ACE inhibitors (C09AA)
  ing('captopril', '1998', true, ['acei', AH]),
  ing('lisinopril', '29046', false, ['acei', AH], ['zestril', 'prinivil']),
  ing('enalapril', '3827', false, ['acei', AH], ['vasotec']),
  ing('ramipril', '35296', false, ['acei', AH], ['altace']),
  ing('benazepril', '18867', false, ['acei', AH], ['lotensin']),
  ing('perindopril', '54552', false, ['acei', AH]),
  ing('quinapril', '35208', false, ['acei', AH], ['accupril']),
  ing('fosinopril', '50166', false, ['acei', AH]),
  ing('trandolapril', '38454', false, ['acei', AH]),
  // ARBs (C09CA)
  ing('losartan', '52175', false, ['arb', AH], ['cozaar']),
  ing('valsartan', '69749', false, ['arb', AH], ['diovan']),
  ing('irbesartan', '83818', false, ['arb', AH], ['avapro']),
  ing('candesartan', '214354', false, ['arb', AH], ['atacand']),
  ing('olmesartan', '321064', false, ['arb', AH], ['benicar']),
  ing('telmisartan', '73494', false, ['arb', AH], ['micardis']),
  // ARNI (C09DX04): sacubitril only occurs with valsartan; see classesForIngredients
  ing('sacubitril', undefined, false, ['arni', AH], ['entresto']),
  // Anticoagulants: DOACs (B01AF, B01AE07), VKA (B01AA03)
  ing('apixaban', '1364430', false, ['doac', 'anticoagulant'], ['eliquis']),
  ing('rivaroxaban', '1114195', false, ['doac', 'anticoagulant'], ['xarelto']),
  ing('edoxaban', '1599538', false, ['doac', 'anticoagulant'], ['savaysa', 'lixiana']),
  ing('dabigatran', '1546356', false, ['doac', 'anticoagulant'], ['pradaxa']),
  ing('warfarin', '11289', true, ['warfarin', 'anticoagulant'], ['coumadin', 'jantoven']),
  // Antiplatelets
  ing('aspirin', '1191', true, ['antiplatelet', 'aspirin']),
  ing('clopidogrel', '32968', true, ['antiplatelet'], ['plavix']),
  ing('prasugrel', '613391', false, ['antiplatelet'], ['effient']),
  ing('ticagrelor', '1116632', false, ['antiplatelet'], ['brilinta']),
  // Non-aspirin NSAIDs
  ing('ibuprofen', '5640', false, ['nsaid'], ['advil', 'motrin']),
  ing('naproxen', '7258', false, ['nsaid'], ['aleve', 'naprosyn']),
  ing('diclofenac', '3355', false, ['nsaid'], ['voltaren']),
  ing('celecoxib', '140587', false, ['nsaid'], ['celebrex']),
  ing('meloxicam', '41493', false, ['nsaid'], ['mobic']),
  ing('indomethacin', '5781', false, ['nsaid']),
  ing('ketorolac', '35827', false, ['nsaid']),
  // Glucose lowering
  ing('metformin', '6809', true, ['metformin'], ['glucophage']),
  ing('semaglutide', '1991302', false, ['glp1ra'], ['ozempic', 'wegovy', 'rybelsus']),
  ing('liraglutide', '475968', false, ['glp1ra'], ['victoza', 'saxenda']),
  ing('dulaglutide', '1551291', false, ['glp1ra'], ['trulicity']),
  ing('exenatide', '60548', false, ['glp1ra'], ['byetta', 'bydureon']),
  ing('tirzepatide', undefined, false, ['glp1ra'], ['mounjaro', 'zepbound']),
  ing('insulin', undefined, false, ['insulin'], ['humulin', 'novolin', 'lantus', 'humalog']),
  ing('glipizide', '4821', false, ['sulfonylurea']),
  ing('glimepiride', '25789', false, ['sulfonylurea']),
  // Mineralocorticoid receptor antagonists
  ing('finerenone', '2562811', false, ['finerenone'], ['kerendia']),
  ing('spironolactone', '9997', true, ['mra', AH], ['aldactone']),
  ing('eplerenone', '298869', false, ['mra', AH], ['inspra']),
  // Beta-blockers (C07)
  ing('metoprolol', '6918', true, ['beta_blocker', AH], ['toprol', 'lopressor']),
  ing('carvedilol', '20352', true, ['beta_blocker', AH], ['coreg']),
  ing('bisoprolol', '19484', false, ['beta_blocker', AH]),
  ing('atenolol', '1202', false, ['beta_blocker', AH], ['tenormin']),
  ing('propranolol', '8787', false, ['beta_blocker', AH]),
  ing('nebivolol', '31555', false, ['beta_blocker', AH], ['bystolic']),
  ing('labetalol', '6185', false, ['beta_blocker', AH]),
  // Calcium-channel blockers (C08)
  ing('amlodipine', '17767', false, ['ccb', AH], ['norvasc']),
  ing('nifedipine', '7417', false, ['ccb', AH]),
  ing('felodipine', '4316', false, ['ccb', AH]),
  ing('diltiazem', '3443', false, ['ccb', AH], ['cardizem']),
  ing('verapamil', '11170', false, ['ccb', AH]),
  // Thiazides (C03AA) and thiazide-like
  ing('hydrochlorothiazide', '5487', true, ['thiazide', AH]),
  ing('chlorthalidone', '2409', false, ['thiazide', AH]),
  ing('indapamide', '5764', false, ['thiazide', AH]),
  // Loop diuretics (C03CA)
  ing('furosemide', '4603', true, ['loop_diuretic', AH], ['lasix']),
  ing('torsemide', '38413', false, ['loop_diuretic', AH]),
  ing('bumetanide', '1808', false, ['loop_diuretic', AH]),
  // Other antihypertensives
  ing('hydralazine', '5470', false, [AH]),
  ing('clonidine', '2599', false, [AH]),
  ing('doxazosin', '49276', false, [AH]),
  // Pharmacogenomics (CPIC gene-drug pairs). Verified RxCUIs: cpicpgx/cpic-schema drug.sql
  // (abacavir 190521, azathioprine 1256, capecitabine 194000, codeine 2670, fluorouracil 4492,
  // mercaptopurine 103, morphine 7052, thioguanine 10485, tramadol 10689,
  // carbamazepine 2002, phenytoin 8183).
  ing('codeine', '2670', true, ['opioid']),
  ing('tramadol', '10689', true, ['opioid'], ['ultram']),
  ing('morphine', '7052', true, ['opioid']),
  ing('abacavir', '190521', true, ['nrti'], ['ziagen']),
  ing('azathioprine', '1256', true, ['thiopurine'], ['imuran']),
  ing('mercaptopurine', '103', true, ['thiopurine'], ['purinethol', '6-mercaptopurine']),
  ing('thioguanine', '10485', true, ['thiopurine'], ['tioguanine']),
  ing('capecitabine', '194000', true, ['fluoropyrimidine'], ['xeloda']),
  ing('fluorouracil', '4492', true, ['fluoropyrimidine'], ['5-fluorouracil']),
  // IWPC warfarin covariates: amiodarone [MEM 703]; enzyme inducers as IWPC defines them
  // (carbamazepine, phenytoin, rifampin or rifampicin; rifampin [MEM 9384]).
  ing('amiodarone', '703', false, ['amiodarone'], ['cordarone', 'pacerone']),
  ing('carbamazepine', '2002', true, ['enzyme_inducer'], ['tegretol']),
  ing('phenytoin', '8183', true, ['enzyme_inducer'], ['dilantin']),
  ing('rifampin', '9384', false, ['enzyme_inducer'], ['rifampicin', 'rifadin']),
  // Potassium-sparing diuretics and the direct renin inhibitor (hyperkalaemia / dual RAS blockade
  // screening, services/scorer/src/safety). Matched by name; RxCUIs not checked, so none is given.
  ing('amiloride', undefined, false, [AH], ['midamor']),
  ing('triamterene', undefined, false, [AH], ['dyrenium', 'maxzide', 'dyazide']),
  ing('aliskiren', undefined, false, [AH], ['tekturna', 'rasilez']),
  // Interacting drugs the safety stage screens for (no class of their own here; the interaction
  // tables in services/scorer/src/safety/interaction-rules.ts name them). Matched by name only.
  // (rifampin, carbamazepine and phenytoin are listed above with the IWPC enzyme inducers.)
  ing('ketoconazole', undefined, false, [], ['nizoral']),
  ing('itraconazole', undefined, false, [], ['sporanox']),
  ing('posaconazole', undefined, false, [], ['noxafil']),
  ing('voriconazole', undefined, false, [], ['vfend']),
  ing('ritonavir', undefined, false, [], ['norvir', 'paxlovid', 'kaletra']),
  ing('cobicistat', undefined, false, [], ['tybost']),
  ing('clarithromycin', undefined, false, [], ['biaxin']),
  ing("st. john's wort", undefined, false, [], ["st john's wort", 'st johns wort', 'hypericum']),
  ing('gemfibrozil', undefined, false, [], ['lopid']),
  ing('cyclosporine', undefined, false, [], ['ciclosporin', 'neoral', 'sandimmune']),
];

export interface ProductInfo {
  rxcui: string;
  display: string;
  /** Lower-case ingredient names (see INGREDIENTS). */
  ingredients: readonly string[];
  /** Strength per unit dose (tablet, capsule) in mg; single-ingredient oral products only. */
  strengthMg?: number;
  verified: boolean;
}

const p = (rxcui: string, display: string, ingredients: string[], strengthMg: number | undefined, verified: boolean): ProductInfo =>
  strengthMg === undefined ? { rxcui, display, ingredients, verified } : { rxcui, display, ingredients, strengthMg, verified };

/** Product-level codes (SCD/SBD). Synthea ones are verified by their display in the sample data. */
export const PRODUCTS: readonly ProductInfo[] = [
  // --- seen in ../shared/data/synthea-r4 (verified: code and display together in the data) ---
  p('316672', 'Simvistatin 10 MG', ['simvastatin'], 10, true),
  p('312961', 'Simvastatin 20 MG Oral Tablet', ['simvastatin'], 20, true),
  p('259255', 'Atorvastatin 80 MG Oral Tablet', ['atorvastatin'], 80, true),
  p('855332', 'Warfarin Sodium 5 MG Oral Tablet', ['warfarin'], 5, true),
  p('860975', '24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet', ['metformin'], 500, true),
  p('833036', 'Captopril 25 MG Oral Tablet', ['captopril'], 25, true),
  p('316049', 'Hydrochlorothiazide 25 MG', ['hydrochlorothiazide'], 25, true),
  p('197361', 'Amlodipine 5 MG Oral Tablet', ['amlodipine'], 5, true),
  p('243670', 'Aspirin 81 MG Oral Tablet', ['aspirin'], 81, true),
  p('309362', 'Clopidogrel 75 MG Oral Tablet', ['clopidogrel'], 75, true),
  p('310965', 'Ibuprofen 200 MG Oral Tablet', ['ibuprofen'], 200, true),
  p('198405', 'Ibuprofen 100 MG Oral Tablet', ['ibuprofen'], 100, true),
  p('849574', 'Naproxen sodium 220 MG Oral Tablet', ['naproxen'], 220, true),
  p('866414', '24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]', ['metoprolol'], 100, true),
  p('897718', 'Verapamil Hydrochloride 40 MG', ['verapamil'], 40, true),
  p('315971', 'Lasix 40mg', ['furosemide'], 40, true),
  p('1719286', '10 ML Furosemide 10 MG/ML Injection', ['furosemide'], undefined, true),
  p('106892', 'insulin human, isophane 70 UNT/ML / Regular Insulin, Human 30 UNT/ML Injectable Suspension [Humulin]', ['insulin'], undefined, true),
  // --- checked against public value-set expansions and the FDA NDC directory (verified: true) ---
  // VSAC eCQM "Anticoagulants for All Indications" (2.16.840.1.113762.1.4.1248.22, eCQM Update
  // 2025-05-08; expansion with displays vendored in canvas-medical/canvas-plugins canvas_sdk/value_set):
  p('1364445', 'apixaban 5 MG Oral Tablet', ['apixaban'], 5, true),
  p('1364435', 'apixaban 2.5 MG Oral Tablet', ['apixaban'], 2.5, true),
  p('1114198', 'rivaroxaban 10 MG Oral Tablet', ['rivaroxaban'], 10, true),
  p('1232082', 'rivaroxaban 15 MG Oral Tablet', ['rivaroxaban'], 15, true),
  p('1232086', 'rivaroxaban 20 MG Oral Tablet', ['rivaroxaban'], 20, true),
  p('1037045', 'dabigatran etexilate 150 MG Oral Capsule', ['dabigatran'], 150, true),
  p('1037179', 'dabigatran etexilate 75 MG Oral Capsule', ['dabigatran'], 75, true),
  // 1599543 is the 15 mg tablet (an earlier version of this table had it as 60 mg).
  p('1599543', 'edoxaban 15 MG Oral Tablet', ['edoxaban'], 15, true),
  p('1599551', 'edoxaban 30 MG Oral Tablet', ['edoxaban'], 30, true),
  p('1599555', 'edoxaban 60 MG Oral Tablet', ['edoxaban'], 60, true),
  // NDC-to-RxNorm crosswalk of rosuvastatin calcium tablets (ndclist.com/ndc/70377-008/rxnorm: the
  // NLM concept names of the four SCDs of one 5/10/20/40 mg product line): 859424 = 5 mg,
  // 859747 = 10 mg, 859419 = 40 mg; 859751 is the fourth SCD of that listing, 20 mg (its name was cut
  // off in the excerpt we could read; the clinical review gives the same). This table had 859747 as
  // 5 mg, 859751 as 10 mg, 859419 as 20 mg and 859424 as 40 mg before review.
  p('859424', 'rosuvastatin calcium 5 MG Oral Tablet', ['rosuvastatin'], 5, true),
  p('859747', 'rosuvastatin calcium 10 MG Oral Tablet', ['rosuvastatin'], 10, true),
  p('859751', 'rosuvastatin calcium 20 MG Oral Tablet', ['rosuvastatin'], 20, true),
  p('859419', 'rosuvastatin calcium 40 MG Oral Tablet', ['rosuvastatin'], 40, true),
  // NDC-to-RxNorm crosswalks (ndclist.com): metformin NDC 68788-8564 -> 861007 "metformin
  // hydrochloride 500 MG Oral Tablet"; Eliquis NDC 0003-0894 -> 1364441 "apixaban 2.5 MG Oral Tablet
  // [Eliquis]" and 1364447 "Eliquis 5 MG Oral Tablet".
  p('861007', 'metformin hydrochloride 500 MG Oral Tablet', ['metformin'], 500, true),
  p('1364447', 'apixaban 5 MG Oral Tablet [Eliquis]', ['apixaban'], 5, true),
  p('1364441', 'apixaban 2.5 MG Oral Tablet [Eliquis]', ['apixaban'], 2.5, true),
  // VSAC eCQM "ACE Inhibitor or ARB or ARNI" (CMS135, eCQM Update 2021-05-06, canvas-plugins
  // canvas_sdk/value_set/v2022/medication.py). Losartan 979485 is 25 mg and 979492 is 50 mg, valsartan
  // 349199 is 80 mg and the sacubitril/valsartan strengths are 1656340 = 24/26, 1656349 = 49/51
  // (an earlier version of this table had each of these wrong).
  p('311354', 'lisinopril 5 MG Oral Tablet', ['lisinopril'], 5, true),
  p('314076', 'lisinopril 10 MG Oral Tablet', ['lisinopril'], 10, true),
  p('314077', 'lisinopril 20 MG Oral Tablet', ['lisinopril'], 20, true),
  p('197884', 'lisinopril 40 MG Oral Tablet', ['lisinopril'], 40, true),
  p('979485', 'losartan potassium 25 MG Oral Tablet', ['losartan'], 25, true),
  p('979492', 'losartan potassium 50 MG Oral Tablet', ['losartan'], 50, true),
  p('979480', 'losartan potassium 100 MG Oral Tablet', ['losartan'], 100, true),
  p('349483', 'valsartan 40 MG Oral Tablet', ['valsartan'], 40, true),
  p('349199', 'valsartan 80 MG Oral Tablet', ['valsartan'], 80, true),
  p('349201', 'valsartan 160 MG Oral Tablet', ['valsartan'], 160, true),
  p('349200', 'valsartan 320 MG Oral Tablet', ['valsartan'], 320, true),
  p('1656340', 'sacubitril 24 MG / valsartan 26 MG Oral Tablet', ['sacubitril', 'valsartan'], undefined, true),
  p('1656349', 'sacubitril 49 MG / valsartan 51 MG Oral Tablet', ['sacubitril', 'valsartan'], undefined, true),
  p('1656354', 'sacubitril 97 MG / valsartan 103 MG Oral Tablet', ['sacubitril', 'valsartan'], undefined, true),
  // FDA NDC directory (api.fda.gov/drug/ndc.json): single-strength products map to exactly this RxCUI
  // (dapagliflozin 10 mg NDC 50090-7057 -> 1488569; 5+10 mg listings -> 1488569 + 1488574;
  // simvastatin 40 mg NDC 68071-1646 -> 198211; atorvastatin 40 mg NDC 68071-4837 -> 617311).
  p('1488569', 'dapagliflozin 10 MG Oral Tablet', ['dapagliflozin'], 10, true),
  p('1488574', 'dapagliflozin 5 MG Oral Tablet', ['dapagliflozin'], 5, true),
  p('198211', 'simvastatin 40 MG Oral Tablet', ['simvastatin'], 40, true),
  p('617311', 'atorvastatin 40 MG Oral Tablet', ['atorvastatin'], 40, true),
  // Empagliflozin: the 25 mg pair (1545666, 1545668) and the 10 mg pair (1545658, 1545664) are
  // confirmed by FDA NDC listings (ingredient and strength, which is all this table uses); which member
  // of each pair is the SCD and which the Jardiance SBD is not, so the displays may be swapped.
  p('1545658', 'empagliflozin 10 MG Oral Tablet', ['empagliflozin'], 10, true),
  p('1545664', 'empagliflozin 10 MG Oral Tablet [Jardiance]', ['empagliflozin'], 10, true),
  p('1545666', 'empagliflozin 25 MG Oral Tablet', ['empagliflozin'], 25, true),
  p('1545668', 'empagliflozin 25 MG Oral Tablet [Jardiance]', ['empagliflozin'], 25, true),
  // Removed in the clinical-safety review (issue 10) because no public RxNorm source we could cite
  // confirmed them: 1486977/1486981 (Farxiga), 1373463 (canagliflozin), 617310/617312
  // (atorvastatin 20/10 mg), 314231 (simvastatin), 904475 (pravastatin), 861004 (metformin 1000 mg),
  // 308135, 310798, 313988, 313096, 2562817, 2562819, 200033, 866427, 198467, 197806, 197807, 198014.
  // Such codes still resolve by the ingredient name and strength in their display or text.
];
