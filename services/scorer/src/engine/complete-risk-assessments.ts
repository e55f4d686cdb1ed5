/**
 * Completes every RiskAssessment a service suggests (issue 11), in one place for built-in and
 * custom services:
 * - `method`: the model's coding uses RISK_METHOD_SYSTEM, the deployment's canonical CodeSystem;
 *   without one the coding is left out and `method.text` names model and version;
 * - `basis`: a placeholder per feature set the model ran on (`urn:prognos:basis:<set>`), which the
 *   HTTP service expands to the Observations used (the scorer never sees resource ids);
 * - `occurrenceDateTime`: the hook time, when the service did not set it.
 */
import { BASIS_REFERENCE_PREFIX, type CardDraft } from '@prognos/contracts';
import type { ModelRun } from '../clinical-service';

type Json = Record<string, unknown>;

/** Point scores computed in TypeScript read the feature set of the same name. */
const POINT_SCORE_SETS: ReadonlySet<string> = new Set(['cha2ds2-vasc', 'has-bled']);

function complete(ra: Json, runs: readonly ModelRun[], asOf: string, methodSystem: string | undefined): void {
  const method = ra.method as { coding?: { system?: string; code?: string }[]; text?: string } | undefined;
  const code = method?.coding?.[0]?.code;
  if (method?.coding) {
    if (methodSystem) method.coding = method.coding.map((c) => ({ ...c, system: methodSystem }));
    else delete method.coding;
  }
  const set = runs.find((r) => r.modelId === code)?.featureSet ?? (code && POINT_SCORE_SETS.has(code) ? code : undefined)
    ?? (runs.length === 1 ? runs[0]!.featureSet : undefined);
  if (set && ra.basis === undefined) ra.basis = [{ reference: `${BASIS_REFERENCE_PREFIX}${set}` }];
  if (ra.occurrenceDateTime === undefined) ra.occurrenceDateTime = asOf;
}

export function completeRiskAssessments(cards: CardDraft[], runs: readonly ModelRun[], asOf: string, methodSystem: string | undefined): void {
  for (const card of cards) {
    for (const s of card.suggestions ?? []) {
      for (const a of s.actions ?? []) {
        const r = a.resource as Json | undefined;
        if (r && r.resourceType === 'RiskAssessment') complete(r, runs, asOf, methodSystem);
      }
    }
  }
}
