/**
 * card-policy.json of a custom model bundle: how a hospital's model becomes a CDS service with
 * no code: which hook, which output, thresholds → indicator, summary/detail templates, an optional
 * coded suggestion and override reasons.
 */
import { codingSchema, overrideReasonCodingSchema } from '@prognos/contracts';
import { z } from 'zod';
import { checkTemplate } from './card-template';
import type { ModelManifest } from './model-manifest';

const serviceIdPattern = /^[a-z0-9][a-z0-9-]{0,99}$/;

export const cardPolicySchema = z.object({
  service: z.object({
    /** CDS service id (URL segment): lower-case letters, digits and '-'. */
    id: z.string().regex(serviceIdPattern, 'lower-case letters, digits and "-" (max 100)'),
    hook: z.enum(['patient-view', 'order-select', 'order-sign', 'encounter-start', 'encounter-discharge']),
    title: z.string().min(1).max(120),
    description: z.string().min(1),
    /** Prefetch templates the HTTP side fills (key → relative FHIR query with {{context.patientId}}). */
    prefetch: z.record(z.string(), z.string()).default({}),
    /** Prefetch keys without which no answer is possible. @defaultValue [] */
    requiredPrefetch: z.array(z.string()).default([]),
  }).strict(),
  /** Feature set the model reads; must equal the manifest's featureSet. */
  featureSet: z.string().min(1),
  /** Model output the thresholds apply to. */
  output: z.string().min(1),
  /**
   * Card bands: the highest `atLeast` ≤ value wins; below every band there is no card.
   * `suggest: false` keeps the suggestion off in that band. @defaultValue suggest true
   */
  thresholds: z.array(z.object({
    atLeast: z.number(),
    indicator: z.enum(['info', 'warning', 'critical']),
    summary: z.string().min(1).optional(),
    suggest: z.boolean().default(true),
  }).strict()).min(1),
  /** Summary template (≤ 139 characters once rendered; longer is cut with '…'). */
  summary: z.string().min(1),
  /** Markdown detail template; by default the inputs used (values, units, dates) and the model. */
  detail: z.string().min(1).optional(),
  /** Card source; by default the model title and its URL / DOI. */
  source: z.object({ label: z.string().min(1), url: z.url({ protocol: /^https?$/ }).optional() }).strict().optional(),
  suggestion: z.object({
    label: z.string().min(1),
    isRecommended: z.boolean().optional(),
    /** A ServiceRequest (e.g. SNOMED CT referral) or a MedicationRequest (RxNorm) to create as a draft. */
    resource: z.discriminatedUnion('resourceType', [
      z.object({ resourceType: z.literal('ServiceRequest'), code: codingSchema.extend({ display: z.string().min(1) }) }).strict(),
      z.object({ resourceType: z.literal('MedicationRequest'), medication: codingSchema.extend({ display: z.string().min(1) }) }).strict(),
    ]),
  }).strict().optional(),
  overrideReasons: z.array(overrideReasonCodingSchema).min(1).optional(),
  /** Also offer the prediction as a FHIR RiskAssessment to file. @defaultValue true */
  riskAssessment: z.boolean().default(true),
}).strict();

export type CardPolicy = z.infer<typeof cardPolicySchema>;

/** Names a template of this policy may use. */
export function templateNames(m: ModelManifest): string[] {
  return ['output', 'threshold', 'model.title', 'model.id', 'model.version', 'model.citation', 'service.title',
    ...m.outputs.map((o) => `outputs.${o.name}`)];
}

/** Parses a policy and checks it against its manifest; throws one Error listing every problem. */
export function parseCardPolicy(json: unknown, manifest: ModelManifest, where: string): CardPolicy {
  const parsed = cardPolicySchema.safeParse(json);
  if (!parsed.success) throw new Error(`${where}: invalid card policy\n${z.prettifyError(parsed.error)}`);
  const p = parsed.data;
  const problems: string[] = [];
  if (p.featureSet !== manifest.featureSet) problems.push(`featureSet '${p.featureSet}' differs from the manifest's '${manifest.featureSet}'`);
  if (!manifest.outputs.some((o) => o.name === p.output)) {
    problems.push(`output '${p.output}' is not a model output (${manifest.outputs.map((o) => o.name).join(', ')})`);
  }
  const names = templateNames(manifest);
  const templates: [string, string | undefined][] = [['summary', p.summary], ['detail', p.detail],
    ...p.thresholds.map((t, i) => [`thresholds[${i}].summary`, t.summary] as [string, string | undefined])];
  for (const [field, t] of templates) {
    if (t !== undefined) for (const problem of checkTemplate(t, names)) problems.push(`${field}: ${problem}`);
  }
  const levels = p.thresholds.map((t) => t.atLeast);
  if (new Set(levels).size !== levels.length) problems.push('thresholds: two bands share the same atLeast');
  for (const key of p.service.requiredPrefetch) {
    if (!(key in p.service.prefetch)) problems.push(`service.requiredPrefetch: '${key}' is not a prefetch key`);
  }
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return p;
}
