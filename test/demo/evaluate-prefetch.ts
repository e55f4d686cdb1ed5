/**
 * Answers CDS Hooks prefetch templates from a local record, as an EHR would from its FHIR server:
 * `Type/{{context.patientId}}` reads and `Type?param=...` searches with the query subset the
 * built-in templates use (token lists with system|code on `code`, `status`, `_sort=-date`,
 * `_count`, `_include=...:medication`; `patient` is implied because a record holds one patient).
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';

type Any = Record<string, unknown>;

function fill(template: string, context: Record<string, string>): string {
  return template.replace(/\{\{\s*context\.(\w+)\s*\}\}/g, (_, k: string) => context[k] ?? '');
}

function codings(r: Any): { system?: string; code?: string }[] {
  const code = r.code as { coding?: { system?: string; code?: string }[] } | undefined;
  const med = r.medicationCodeableConcept as { coding?: { system?: string; code?: string }[] } | undefined;
  return [...(code?.coding ?? []), ...(med?.coding ?? [])];
}

function matchesToken(r: Any, tokens: string[]): boolean {
  return codings(r).some((c) => tokens.some((t) => {
    const [system, code] = t.includes('|') ? t.split('|') : [undefined, t];
    return c.code === code && (system === undefined || system === '' || c.system === system);
  }));
}

function dateOf(r: Any): string {
  return String(r.effectiveDateTime ?? r.issued ?? r.authoredOn ?? r.onsetDateTime ?? r.recordedDate ?? '');
}

/** The prefetch value for one template: a resource, a searchset Bundle, or null. */
export function evaluatePrefetch(template: string, resources: Resource[], context: Record<string, string>): Resource | Bundle | null {
  const url = fill(template, context);
  const [path, query] = url.split('?');
  if (!query) {
    const [type, id] = path!.split('/');
    return resources.find((r) => r.resourceType === type && r.id === id) ?? null;
  }
  const params = new URLSearchParams(query);
  let hits = resources.filter((r) => r.resourceType === path) as unknown as Any[];
  const code = params.get('code');
  if (code) hits = hits.filter((r) => matchesToken(r, code.split(',')));
  const status = params.get('status');
  if (status) hits = hits.filter((r) => status.split(',').includes(String(r.status)));
  if (params.get('_sort') === '-date') hits = [...hits].sort((a, b) => dateOf(b).localeCompare(dateOf(a)));
  const count = Number(params.get('_count'));
  if (Number.isInteger(count) && count > 0) hits = hits.slice(0, count);
  const entry: NonNullable<Bundle['entry']> = hits.map((resource) => ({ resource: resource as unknown as Resource, search: { mode: 'match' as const } }));
  // `_include=X:medication`: the Medications the matches reference, as a FHIR server adds them.
  if (params.getAll('_include').some((inc) => inc.endsWith(':medication'))) {
    const refs = new Set(hits.map((r) => (r.medicationReference as { reference?: string } | undefined)?.reference).filter((x): x is string => typeof x === 'string'));
    for (const m of resources) if (m.resourceType === 'Medication' && refs.has(`Medication/${m.id}`)) entry.push({ resource: m, search: { mode: 'include' } });
  }
  return { resourceType: 'Bundle', type: 'searchset', total: hits.length, entry };
}

export function buildPrefetch(templates: Record<string, string>, resources: Resource[], context: Record<string, string>): Record<string, Resource | Bundle | null> {
  return Object.fromEntries(Object.entries(templates).map(([key, t]) => [key, evaluatePrefetch(t, resources, context)]));
}
