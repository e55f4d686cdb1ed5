/**
 * Codes the clinical safety screening reads (pregnancy, lactation, contraindicating conditions,
 * allergy reactions). Sources: LOINC 82810-3 "Pregnancy status" with SNOMED CT answers 77386006
 * Pregnant / 60001007 Not pregnant / 261665006 Unknown (public lab order-entry specifications and the
 * WHO SMART immunization IG examples, which also use LOINC answers LA15173-0 Pregnant); LOINC 11778-8
 * "Delivery date Estimated"; LOINC 63895-7 "Breastfeeding status". Codes marked [MEM] were recalled,
 * not checked against a terminology release: a wrong code only fails to match (the rule then says
 * the fact is unknown or absent from the record), it never invents one. Codes marked [CHECKED] were
 * recalled and then found with the same meaning in public FHIR material (HL7 value sets and examples,
 * code maps of several independent projects) on 2026-12-03; still not a terminology release.
 */
export type SafetyConcept =
  | 'pregnancy'
  | 'lactation'
  | 'ketoacidosis'
  | 'prosthetic_valve'
  | 'mitral_stenosis'
  | 'angioedema'
  | 'active_bleeding';

/** LOINC codes of pregnancy and lactation observations. */
export const PREGNANCY_STATUS_LOINC = '82810-3';
export const DELIVERY_DATE_ESTIMATED_LOINC = '11778-8';
export const BREASTFEEDING_STATUS_LOINC = '63895-7';

/** Answers of 82810-3: true = pregnant, false = not pregnant; 'unknown' answers are ignored. */
export const PREGNANCY_ANSWERS: ReadonlyMap<string, boolean | 'unknown'> = new Map<string, boolean | 'unknown'>([
  ['77386006', true], ['60001007', false], ['261665006', 'unknown'], // SNOMED CT
  ['LA15173-0', true], ['LA26683-5', false], ['LA4489-6', 'unknown'], // LOINC answers (LA26683-5 Not pregnant, LA4489-6 Unknown [CHECKED])
]);

/** SNOMED CT condition codes. */
export const SAFETY_SNOMED: ReadonlyMap<string, SafetyConcept> = new Map<string, SafetyConcept>([
  ['77386006', 'pregnancy'], // Pregnant (finding)
  ['72892002', 'pregnancy'], // Normal pregnancy (Synthea)
  ['47200007', 'pregnancy'], // High risk pregnancy (finding) [CHECKED]
  ['169750002', 'lactation'], // Mother currently breast-feeding [CHECKED: an NHS trust alert list and a FHIR ConceptMap]
  ['420422005', 'ketoacidosis'], // Ketoacidosis in diabetes mellitus (disorder) [CHECKED]
  ['26298008', 'ketoacidosis'], // Ketoacidotic coma due to diabetes mellitus (disorder) [CHECKED]
  ['79619009', 'mitral_stenosis'], // Mitral valve stenosis (disorder) [CHECKED: UMLS C0026266, ICD-10 I05.0 maps]
  // Rheumatic mitral stenosis [MEM: one public list files it under mitral stenosis; on 2026-12-04 no public value set or
  // code map was found that shows 86466006 with this meaning, so it stays unconfirmed]
  ['86466006', 'mitral_stenosis'],
  ['41291007', 'angioedema'], // Angioedema [CHECKED: HL7 IPS allergy-reaction value set]
  ['131148009', 'active_bleeding'], // Bleeding (finding)
  ['74474003', 'active_bleeding'], // Gastrointestinal haemorrhage (disorder) [CHECKED]
  ['1386000', 'active_bleeding'], // Intracranial haemorrhage [CHECKED: HL7 FHIR R4 examples]
]);

/**
 * ICD-10-CM prefixes (no dot). Longest prefix wins. Pregnancy: Z33.1 pregnant state, Z34 supervision
 * of normal pregnancy, O09 supervision of high-risk pregnancy, O20-O48 complications of pregnancy
 * (delivery and puerperium chapters O60-O9A are left out: they do not mean "pregnant now").
 */
export const SAFETY_ICD10: ReadonlyMap<string, SafetyConcept> = new Map<string, SafetyConcept>([
  ['Z331', 'pregnancy'], ['Z34', 'pregnancy'], ['O09', 'pregnancy'],
  ['O20', 'pregnancy'], ['O21', 'pregnancy'], ['O22', 'pregnancy'], ['O23', 'pregnancy'], ['O24', 'pregnancy'],
  ['O26', 'pregnancy'], ['O28', 'pregnancy'], ['O29', 'pregnancy'], ['O30', 'pregnancy'], ['O31', 'pregnancy'],
  ['O32', 'pregnancy'], ['O33', 'pregnancy'], ['O34', 'pregnancy'], ['O35', 'pregnancy'], ['O36', 'pregnancy'],
  ['O40', 'pregnancy'], ['O41', 'pregnancy'], ['O43', 'pregnancy'], ['O44', 'pregnancy'], ['O46', 'pregnancy'],
  ['O47', 'pregnancy'], ['O48', 'pregnancy'],
  ['Z391', 'lactation'], // care and examination of lactating mother
  ['E101', 'ketoacidosis'], ['E111', 'ketoacidosis'], ['E131', 'ketoacidosis'], ['E081', 'ketoacidosis'], ['E091', 'ketoacidosis'],
  // Z95.2 presence of prosthetic heart valve (type not stated); T82.0 mechanical complication of a
  // heart valve prosthesis. Z95.4 (other heart-valve replacement) is not matched: it is mostly
  // bioprosthetic, where a DOAC can be used (2023 AF guideline).
  ['Z952', 'prosthetic_valve'], ['T820', 'prosthetic_valve'],
  // I05.0 rheumatic mitral stenosis, I05.2 with insufficiency; I34.2 nonrheumatic mitral stenosis.
  ['I050', 'mitral_stenosis'], ['I052', 'mitral_stenosis'], ['I342', 'mitral_stenosis'],
  ['T783', 'angioedema'], ['D841', 'angioedema'], // angioneurotic oedema; hereditary angioedema (C1-INH defect)
  ['K920', 'active_bleeding'], ['K921', 'active_bleeding'], ['K922', 'active_bleeding'], ['R58', 'active_bleeding'],
  ['I60', 'active_bleeding'], ['I61', 'active_bleeding'], ['I62', 'active_bleeding'], ['D62', 'active_bleeding'],
  ['R040', 'active_bleeding'], ['R042', 'active_bleeding'],
]);

/** Concepts that count whenever recorded before asOf (a past episode is what matters). */
export const SAFETY_HISTORY_CONCEPTS: ReadonlySet<SafetyConcept> = new Set<SafetyConcept>(['ketoacidosis', 'angioedema', 'prosthetic_valve']);

/** A bleeding condition counts as active only when it began this recently (days); older ones are history. */
export const ACTIVE_BLEEDING_MAX_DAYS = 90;
/** A pregnancy fact older than this (42 weeks) no longer says the patient is pregnant now. */
export const PREGNANCY_MAX_DAYS = 294;

export function lookupSafetyIcd10(code: string): SafetyConcept | undefined {
  const norm = code.replace('.', '').toUpperCase();
  for (let len = Math.min(norm.length, 5); len >= 3; len--) {
    const hit = SAFETY_ICD10.get(norm.slice(0, len));
    if (hit) return hit;
  }
  return undefined;
}

/** Free-text patterns for drug-class allergies recorded without an RxNorm code (lower case). */
export const CLASS_ALLERGY_PATTERNS: readonly { pattern: RegExp; cls: string }[] = [
  { pattern: /\bace[- ]?inhibitor|angiotensin[- ]converting[- ]enzyme/, cls: 'acei' },
  { pattern: /angiotensin (ii )?receptor (blocker|antagonist)|\barbs?\b/, cls: 'arb' },
  { pattern: /\bstatins?\b|hmg[- ]?coa reductase/, cls: 'statin' },
  { pattern: /\bnsaids?\b|non-?steroidal anti-?inflammatory/, cls: 'nsaid' },
  { pattern: /\bsglt-?2|sodium[- ]glucose co-?transporter/, cls: 'sglt2i' },
];

/** Reaction manifestation: angioedema (SNOMED 41291007 [CHECKED], or the word in the text). */
export const ANGIOEDEMA_MANIFESTATION = { snomed: '41291007', text: /angio-?o?edema|quincke/ } as const;
