/**
 * Shared pieces of built-in cards: sources, override reasons, number formatting and the markdown
 * "inputs used" list built from feature provenance. Cards never carry empty strings or nulls
 * (CDS Hooks 2.0 §Use of JSON), and summaries stay under 140 characters (§Card Attributes).
 */
import { randomUUID } from 'node:crypto';
import { DAYS_BEFORE_PREFIX, daysBeforeToken, type CardDraft, type Coding, type Source, type SuggestionDraft } from '@prognos/contracts';
import { cardLinks } from './card-links';
import { SYSTEM } from './codes';
import { latestItem, type FeatureView } from './feature-view';

/**
 * The calendar date of a provenance item as card text: the date itself in process, or, since the
 * HTTP side sends days before the hook (daysBefore), a token that it turns back into the date.
 */
export function provenanceDate(item: { date?: string; daysBefore?: number } | undefined): string | undefined {
  if (item?.date) return item.date.slice(0, 10);
  return item?.daysBefore !== undefined ? daysBeforeToken(item.daysBefore) : undefined;
}

export const SOURCES = {
  kfre: { label: 'Kidney Failure Risk Equation (Tangri, JAMA 2011; 2016)', url: 'https://doi.org/10.1001/jama.2015.18202' },
  kdigo2024: { label: 'KDIGO 2024 CKD Guideline', url: 'https://kdigo.org/guidelines/ckd-evaluation-and-management/' },
  kdigo2012: { label: 'KDIGO 2012 CKD Guideline (Kidney Int Suppl 2013;3:1-150), ch. 4.4' },
  kdigo2022Diabetes: { label: 'KDIGO 2022 Diabetes in CKD Guideline', url: 'https://kdigo.org/guidelines/diabetes-ckd/' },
  accAha2018: { label: '2018 AHA/ACC Cholesterol Guideline', url: 'https://doi.org/10.1161/CIR.0000000000000625' },
  accAha2019: { label: '2019 ACC/AHA Primary Prevention Guideline', url: 'https://doi.org/10.1161/CIR.0000000000000678' },
  pce: { label: 'Pooled Cohort Equations (Goff 2013)', url: 'https://doi.org/10.1161/01.cir.0000437741.48606.98' },
  prevent: { label: 'AHA PREVENT equations (Khan 2024)', url: 'https://doi.org/10.1161/CIRCULATIONAHA.123.067626' },
  af2023: { label: '2023 ACC/AHA/ACCP/HRS Atrial Fibrillation Guideline', url: 'https://doi.org/10.1161/CIR.0000000000001193' },
  apixabanLabel: { label: 'Apixaban (Eliquis) US prescribing information', url: 'https://www.accessdata.fda.gov/drugsatfda_docs/label/2021/202155s033lbl.pdf' },
  metforminFda2016: { label: 'FDA Drug Safety Communication: metformin in reduced kidney function (2016)', url: 'https://www.fda.gov/drugs/drug-safety-and-availability/fda-drug-safety-communication-fda-revises-warnings-regarding-use-diabetes-medicine-metformin-certain' },
} as const satisfies Record<string, Source>;

const reason = (code: string, display: string): Coding & { display: string } => ({ system: SYSTEM.overrideReason, code, display });

/**
 * Override reasons offered on every actionable card: the CDS Hooks 3.0 ballot example code system
 * "non-adherence-reason" (HL7/cds-hooks input/vocabulary/CodeSystem-non-adherence-reason.json),
 * displays copied from it.
 */
export const OVERRIDE_REASONS: (Coding & { display: string })[] = [
  reason('indication-order-exists', 'Patient has indication/order for intended action'),
  reason('patient-contraindication', 'Patient has contraindication to recommended action'),
  reason('risk-benefit-ratio', 'Recipient assessment of risk/benefit ratio'),
  reason('need-more-info', 'Could not address recommended action due to need for more information/pending results/pending consult'),
  reason('prefers-alternative', 'Patient prefers an alternative approach or treatment'),
];

const DAY_TOKEN_RE = new RegExp(`${DAYS_BEFORE_PREFIX.replaceAll('.', '\\.')}-?\\d+`, 'g');
/** A day token stands in for a 10-character date: measured as one 10-character marker (private-use characters). */
const DAY_MARKER = '\uE000' + '\uE001'.repeat(9);

/**
 * CDS Hooks summary limit is "<140 characters"; shorten defensively at a word boundary. A day token
 * (urn:prognos:days-before:N) counts as the 10-character date the HTTP side writes in its place, and
 * is never cut in half.
 */
export function clampSummary(text: string): string {
  const tokens: string[] = [];
  const shown = text.replace(DAY_TOKEN_RE, (m) => { tokens.push(m); return DAY_MARKER; });
  if (shown.length <= 139) return text;
  const cut = shown.slice(0, 138);
  const space = cut.lastIndexOf(' ');
  const clamped = `${cut.slice(0, space > 80 ? space : 138)}…`;
  let i = 0;
  // Whole markers get their token back; a marker cut short (no space to cut at) is dropped.
  return clamped.replace(new RegExp(DAY_MARKER, 'g'), () => tokens[i++]!).replace(/\uE000\uE001*|\uE001+/g, '');
}

/** Percent with one decimal below 10 %, none above (e.g. 0.0523 -> "5.2%", 0.234 -> "23%"). */
export function formatPercent(p: number): string {
  const pct = p * 100;
  if (pct > 0 && pct < 0.1) return '<0.1%';
  return pct < 10 ? `${(Math.round(pct * 10) / 10).toFixed(1)}%` : `${Math.round(pct)}%`;
}

/** A number with at most `digits` decimals and no trailing zeros. */
export function formatNumber(v: number, digits = 1): string {
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}

const UNIT_LABELS: Record<string, string> = {
  'mL/min/{1.73_m2}': 'mL/min/1.73 m²',
  'mL/min/{1.73_m2}/a': 'mL/min/1.73 m² per year',
  'mm[Hg]': 'mmHg',
  a: 'years',
  d: 'days',
  'kg/m2': 'kg/m²',
};

/** "523 days ago": completed days, the one rounding of result ages on every card. */
export function formatDaysAgo(ageDays: number): string {
  const d = Math.max(0, Math.floor(ageDays));
  return `${d} day${d === 1 ? '' : 's'} ago`;
}

/** Age in completed years (what a clinician and the apixaban label mean by "age 80"). */
export function completedYears(ageYears: number): number {
  return Math.floor(ageYears);
}

export function unitLabel(unit: string | undefined): string {
  if (!unit || unit === '1') return '';
  return UNIT_LABELS[unit] ?? unit;
}

export interface InputLine {
  view: FeatureView;
  name: string;
  label: string;
  /** Digits for display. @defaultValue 1 */
  digits?: number;
  /** For 0/1 flags: show yes/no. */
  flag?: boolean;
}

/** One markdown bullet for a feature: value, unit, date and derivation from provenance. */
export function describeInput(line: InputLine): string | undefined {
  const value = line.view.get(line.name);
  if (value === undefined) return undefined;
  const unit = line.view.unit(line.name);
  // Ages are shown in completed years everywhere (never rounded up: 84.6 is "84 years").
  const number = unit === 'a' ? String(completedYears(value)) : formatNumber(value, line.digits ?? 1);
  const shown = line.flag ? (value === 1 ? 'yes' : 'no') : `${number} ${unitLabel(unit)}`.trim();
  const prov = line.view.provenance(line.name);
  const item = latestItem(prov);
  const extras: string[] = [];
  const date = provenanceDate(item);
  if (date) extras.push(date);
  if (item?.derivation === 'computed') extras.push('computed');
  if (item?.derivation === 'reported') extras.push('as reported');
  if (item?.originalValue !== undefined && item.originalUnit) extras.push(`recorded as ${formatNumber(item.originalValue, 2)} ${item.originalUnit}`);
  if (line.flag && item?.display) extras.push(item.display);
  return `- ${line.label}: ${shown}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

/** Markdown lists of inputs used and inputs missing (with the extractor's note when it gave one). */
export function describeInputs(lines: InputLine[]): { used: string[]; missing: string[] } {
  const used: string[] = [];
  const missing: string[] = [];
  for (const line of lines) {
    const d = describeInput(line);
    if (d) used.push(d);
    else {
      const note = line.view.provenance(line.name)?.note;
      missing.push(`- ${line.label}${note ? `: ${note}` : ''}`);
    }
  }
  return { used, missing };
}

/** Joins markdown sections, dropping empty ones. */
export function markdown(sections: (string | string[] | undefined | false)[]): string {
  return sections
    .map((s) => (Array.isArray(s) ? s.join('\n') : s))
    .filter((s): s is string => typeof s === 'string' && s.trim().length > 0)
    .join('\n\n');
}

export function section(title: string, lines: string[]): string | undefined {
  return lines.length > 0 ? `**${title}**\n\n${lines.join('\n')}` : undefined;
}

export function newSuggestion(s: Omit<SuggestionDraft, 'uuid'>): SuggestionDraft {
  return { uuid: randomUUID(), ...s };
}

/** A card with uuid, clamped summary and override reasons; selectionBehavior set when there are suggestions. */
export function newCard(c: Omit<CardDraft, 'uuid' | 'selectionBehavior' | 'overrideReasons'> & {
  selectionBehavior?: CardDraft['selectionBehavior'];
  overrideReasons?: CardDraft['overrideReasons'] | false;
}): CardDraft {
  const { overrideReasons, selectionBehavior, suggestions, ...rest } = c;
  const card: CardDraft = { uuid: randomUUID(), ...rest, summary: clampSummary(c.summary) };
  if (!card.links) {
    const links = cardLinks(c.kind, c.source);
    if (links.length > 0) card.links = links;
  }
  if (suggestions && suggestions.length > 0) {
    card.suggestions = suggestions;
    card.selectionBehavior = selectionBehavior ?? 'at-most-one';
  }
  if (overrideReasons !== false) card.overrideReasons = overrideReasons ?? OVERRIDE_REASONS;
  return card;
}
