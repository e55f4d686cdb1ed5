/**
 * Card `links` (CDS Hooks 2.0 §Link, issue 11): the published calculator for the score on the card,
 * and the guideline or publication the card cites (its `source.url`), all absolute. The SMART app
 * link, when one is configured, is added by the HTTP service (it is deployment configuration).
 */
import type { Link, Source } from '@prognos/contracts';

const absolute = (label: string, url: string): Link => ({ label, url, type: 'absolute' });

/** Calculators published by the equations' authors or their societies (and MDCalc for the point scores). */
export const CALCULATORS = {
  /** Tangri et al.'s own KFRE calculator. */
  kfre: absolute('KFRE calculator (kidneyfailurerisk.com)', 'https://kidneyfailurerisk.com/'),
  /** ACC ASCVD Risk Estimator Plus (Pooled Cohort Equations). */
  pce: absolute('ACC ASCVD Risk Estimator Plus (PCE)', 'https://tools.acc.org/ascvd-risk-estimator-plus/'),
  /** AHA PREVENT online calculator. */
  prevent: absolute('AHA PREVENT calculator', 'https://professional.heart.org/en/guidelines-and-statements/prevent-calculator'),
  cha2ds2vasc: absolute('CHA2DS2-VASc calculator (MDCalc)', 'https://www.mdcalc.com/calc/801/cha2ds2-vasc-score-atrial-fibrillation-stroke-risk'),
  hasBled: absolute('HAS-BLED calculator (MDCalc)', 'https://www.mdcalc.com/calc/807/has-bled-score-major-bleeding-risk'),
} as const;

/** Card kind -> calculators that reproduce its numbers. */
const BY_KIND: ReadonlyArray<[RegExp, readonly Link[]]> = [
  [/^ckd\.(kfre-risk|nephrology-referral|krt-preparation|missing-test)$/, [CALCULATORS.kfre]],
  [/^cv\.risk$/, [CALCULATORS.pce, CALCULATORS.prevent]],
  [/^af\.bleeding-risk$/, [CALCULATORS.hasBled]],
  [/^af\./, [CALCULATORS.cha2ds2vasc]],
];

/** Links for a built-in card: its calculators, then the cited source. */
export function cardLinks(kind: string, source: Source | undefined): Link[] {
  const links: Link[] = [...(BY_KIND.find(([re]) => re.test(kind))?.[1] ?? [])];
  if (source?.url && /^https:\/\//.test(source.url)) links.push(absolute(source.label, source.url));
  return links;
}
