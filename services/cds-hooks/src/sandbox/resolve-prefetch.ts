/**
 * What an EHR does before calling a service: renders each of the service's prefetch templates for
 * the patient and answers the query from the patient's record. In memory, for the query subset the
 * services' templates use: read `Type/id`; search by `patient`/`subject`, `code` token lists
 * (`system|code` or `code`), `status`, `clinical-status`, `_sort=-date`, `_count`, and
 * `_include=<Type>:medication` (the referenced Medications, as Epic and Cerner write medicines). A template this
 * resolver cannot answer is left out, so the service fetches it or answers 412, as with an EHR.
 */
import type { Resource } from '@medplum/fhirtypes';
import { renderTemplate } from '../prefetch/render-template';

function resourceDate(r: Record<string, unknown>): string {
  const period = r.effectivePeriod as { start?: string; end?: string } | undefined;
  return String(r.effectiveDateTime ?? period?.end ?? period?.start ?? r.issued ?? r.authoredOn ?? r.recordedDate ?? r.onsetDateTime ?? r.dateAsserted ?? '');
}

function referenceOf(r: Record<string, unknown>): string | undefined {
  return (r.subject as { reference?: string } | undefined)?.reference ?? (r.patient as { reference?: string } | undefined)?.reference;
}

function codingsOf(v: unknown): { system?: string; code?: string }[] {
  const cc = v as { coding?: { system?: string; code?: string }[] } | undefined;
  return Array.isArray(cc?.coding) ? cc.coding : [];
}

const SUPPORTED = new Set(['patient', 'subject', 'code', 'status', 'clinical-status', '_sort', '_count', '_include']);

/** `_include` values this resolver answers: the medication reference of a medicine resource. */
const INCLUDES = /^(MedicationRequest|MedicationStatement|MedicationDispense|MedicationAdministration):medication$/;

/** Prefetch for `templates` (key → template) against `resources`, for `context`. */
export function resolvePrefetch(
  templates: Record<string, string>,
  context: Record<string, unknown>,
  resources: readonly Resource[],
): Record<string, unknown> {
  const prefetch: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(templates)) {
    let query: string;
    try { query = renderTemplate(template, context); } catch { continue; }
    const read = /^([A-Za-z]+)\/([^?/]+)$/.exec(query);
    if (read) {
      prefetch[key] = resources.find((r) => r.resourceType === read[1] && r.id === read[2]) ?? null;
      continue;
    }
    const [type, qs = ''] = query.split('?');
    const params = new URLSearchParams(qs);
    if ([...params.keys()].some((k) => !SUPPORTED.has(k))) continue;
    const includes = params.getAll('_include');
    if (includes.some((i) => !INCLUDES.test(i) || !i.startsWith(`${type}:`))) continue;
    const patientRef = params.get('patient') ?? params.get('subject');
    const codes = (params.get('code') ?? '').split(',').filter(Boolean);
    const statuses = (params.get('status') ?? '').split(',').filter(Boolean);
    const clinical = (params.get('clinical-status') ?? '').split(',').filter(Boolean);
    let matches = resources.filter((r) => {
      if (r.resourceType !== type) return false;
      const rec = r as unknown as Record<string, unknown>;
      if (patientRef) {
        const ref = referenceOf(rec);
        if (ref !== patientRef && ref !== `Patient/${patientRef}`) return false;
      }
      if (statuses.length > 0 && !statuses.includes(String(rec.status))) return false;
      if (clinical.length > 0 && !codingsOf(rec.clinicalStatus).some((c) => clinical.includes(String(c.code)))) return false;
      if (codes.length === 0) return true;
      const codings = [...codingsOf(rec.code), ...codingsOf(rec.medicationCodeableConcept)];
      return codings.some((c) => codes.some((t) => (t.includes('|') ? t === `${c.system}|${c.code}` : t === c.code)));
    });
    if (params.get('_sort') === '-date') {
      matches = [...matches].sort((a, b) => resourceDate(b as never).localeCompare(resourceDate(a as never)));
    }
    const count = Number(params.get('_count'));
    if (count > 0) matches = matches.slice(0, count);
    const included: Resource[] = [];
    if (includes.length > 0) {
      const seen = new Set<string>();
      for (const m of matches) {
        const ref = ((m as unknown as Record<string, unknown>).medicationReference as { reference?: string } | undefined)?.reference;
        const id = ref?.startsWith('Medication/') ? ref.slice('Medication/'.length) : undefined;
        if (!id || seen.has(id)) continue;
        seen.add(id);
        const med = resources.find((r) => r.resourceType === 'Medication' && r.id === id);
        if (med) included.push(med);
      }
    }
    prefetch[key] = {
      resourceType: 'Bundle', type: 'searchset', total: matches.length,
      entry: [
        ...matches.map((resource) => ({ resource, search: { mode: 'match' } })),
        ...included.map((resource) => ({ resource, search: { mode: 'include' } })),
      ],
    };
  }
  return prefetch;
}
