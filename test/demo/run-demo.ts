/**
 * `npm run demo`: replays sample patients (generated, and the shared Synthea bundles when present)
 * through the RUNNING Prognos service over HTTP, as an EHR would (CDS Hooks 2.0):
 *   GET  {PROGNOS_URL}/cds-services                 discovery
 *   POST {PROGNOS_URL}/cds-services/{id}            patient-view with full prefetch per the templates,
 *                                                    order-sign with draft orders
 * and prints the cards readably (service, indicator, summary, suggestions).
 *
 * Environment: PROGNOS_URL (default http://127.0.0.1:8080), PROGNOS_TOKEN (Bearer JWT when the
 * service verifies CDS client JWTs), DEMO_SYNTHEA_LIMIT (default 5), DEMO_DETAIL=1 to print card
 * detail, LAB_MAX_AGE_DAYS (default 365, as on the service) for the line that says why an old
 * record's predictions are not computable. Only record labels are printed, never names or identifiers.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle } from '@medplum/fhirtypes';
import type { Card, CdsServiceDiscoveryEntry } from '@prognos/contracts';
import { buildPrefetch } from './evaluate-prefetch';
import { recordAgeNote } from './record-age-note';
import { daysToNow, shiftRecord } from './shift-record';
import { demoDraftOrders, generatedRecords, syntheaRecords, type SampleRecord } from './sample-records';

const BASE = (process.env.PROGNOS_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const TOKEN = process.env.PROGNOS_TOKEN;
const SYNTHEA_LIMIT = Number(process.env.DEMO_SYNTHEA_LIMIT ?? 5);
const DETAIL = process.env.DEMO_DETAIL === '1';
/** The service's lab window, for the "why not computable" line (set it as on the service). */
const LAB_MAX_AGE_DAYS = Number(process.env.LAB_MAX_AGE_DAYS ?? 365);

const color = process.stdout.isTTY
  ? { critical: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' }
  : { critical: '', warning: '', info: '', dim: '', bold: '', reset: '' };

function headers(): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (TOKEN) h.authorization = `Bearer ${TOKEN}`;
  return h;
}

async function discover(): Promise<CdsServiceDiscoveryEntry[]> {
  const res = await fetch(`${BASE}/cds-services`, { headers: headers() });
  if (!res.ok) throw new Error(`GET /cds-services answered ${res.status}`);
  const body = (await res.json()) as { services?: CdsServiceDiscoveryEntry[] };
  return body.services ?? [];
}

async function callService(service: CdsServiceDiscoveryEntry, record: SampleRecord, draftOrders?: Bundle): Promise<{ status: number; cards: Card[]; error?: string; ms: number }> {
  const context: Record<string, unknown> = { userId: 'Practitioner/demo', patientId: record.patientId };
  if (draftOrders) context.draftOrders = draftOrders;
  if (service.hook === 'order-select' && draftOrders) {
    context.selections = (draftOrders.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
  }
  const body = {
    hook: service.hook,
    hookInstance: randomUUID(),
    context,
    prefetch: buildPrefetch(service.prefetch ?? {}, record.resources, { patientId: record.patientId, userId: 'Practitioner/demo' }),
  };
  const t0 = performance.now();
  const res = await fetch(`${BASE}/cds-services/${encodeURIComponent(service.id)}`, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  const ms = performance.now() - t0;
  const json = (await res.json().catch(() => undefined)) as { cards?: Card[]; issue?: { diagnostics?: string }[] } | undefined;
  if (!res.ok) return { status: res.status, cards: [], error: json?.issue?.[0]?.diagnostics ?? res.statusText, ms };
  return { status: res.status, cards: json?.cards ?? [], ms };
}

function describeAction(a: NonNullable<NonNullable<Card['suggestions']>[number]['actions']>[number]): string {
  type Coded = { coding?: { system?: string; code?: string }[] };
  const r = a.resource as { resourceType?: string; code?: Coded; medicationCodeableConcept?: Coded } | undefined;
  const coding = r?.medicationCodeableConcept?.coding?.[0] ?? r?.code?.coding?.[0];
  const names: Record<string, string> = {
    'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm', 'http://snomed.info/sct': 'SNOMED', 'http://loinc.org': 'LOINC',
  };
  const system = coding?.system ? names[coding.system] ?? coding.system : 'code';
  const code = coding?.code ? ` [${system} ${coding.code}]` : '';
  return `${a.type} ${r?.resourceType ?? a.resourceId ?? ''}${code}`.trim();
}

function printCards(serviceId: string, result: Awaited<ReturnType<typeof callService>>): void {
  const head = `  ${color.bold}${serviceId}${color.reset} ${color.dim}(${result.status}, ${Math.round(result.ms)} ms)${color.reset}`;
  if (result.error) {
    console.log(`${head}: ${result.error}`);
    return;
  }
  if (result.cards.length === 0) {
    console.log(`${head}: no cards`);
    return;
  }
  console.log(head);
  for (const card of result.cards) {
    const c = color[card.indicator];
    console.log(`    ${c}[${card.indicator.toUpperCase()}]${color.reset} ${card.summary}`);
    console.log(`      ${color.dim}source: ${card.source.label}${color.reset}`);
    for (const s of card.suggestions ?? []) {
      console.log(`      ${s.isRecommended ? '★' : '•'} ${s.label}${s.actions ? `  ${color.dim}(${s.actions.map(describeAction).join('; ')})${color.reset}` : ''}`);
    }
    if (DETAIL && card.detail) console.log(card.detail.split('\n').map((l) => `      ${color.dim}${l}${color.reset}`).join('\n'));
  }
}

async function main(): Promise<void> {
  let services: CdsServiceDiscoveryEntry[];
  try {
    services = await discover();
  } catch (e) {
    console.error(`Prognos is not reachable at ${BASE} (${(e as Error).message}). Start it with \`npm start\` or set PROGNOS_URL.`);
    process.exitCode = 1;
    return;
  }
  console.log(`${color.bold}Prognos at ${BASE}${color.reset}: ${services.length} services (${services.map((s) => `${s.id} [${s.hook}]`).join(', ')})\n`);
  // Generated records end now, because the service scores as of the hook time.
  const records = [...generatedRecords(42, new Date()), ...syntheaRecords(SYNTHEA_LIMIT)];
  if (syntheaRecords(1).length === 0) console.log(`${color.dim}(shared Synthea bundles not found: generated patients only)${color.reset}\n`);
  let calls = 0;
  let failures = 0;
  for (const record of records) {
    console.log(`${color.bold}▶ ${record.label}${color.reset} ${color.dim}(${record.resources.length} resources; the service scores as of now)${color.reset}`);
    // record.asOf is one day after the record's last data.
    const lastDataAt = new Date(record.asOf.getTime() - 86_400_000);
    // A deceased patient's record says so on its own card; moving it forward would not change that.
    const deceased = record.resources.some((r) => r.resourceType === 'Patient' && ((r as { deceasedBoolean?: boolean }).deceasedBoolean === true || (r as { deceasedDateTime?: string }).deceasedDateTime !== undefined));
    const note = deceased ? undefined : recordAgeNote(lastDataAt, new Date(), LAB_MAX_AGE_DAYS);
    if (note) console.log(`  ${color.dim}why: ${note}${color.reset}`);
    for (const service of services) {
      const drafts = service.hook === 'order-sign' || service.hook === 'order-select' ? demoDraftOrders(record.patientId, record.resources) : undefined;
      if (!drafts && service.hook !== 'patient-view') continue;
      const result = await callService(service, record, drafts).catch((e: Error) => ({ status: 0, cards: [], error: e.message, ms: 0 }));
      calls += 1;
      if (result.error) failures += 1;
      printCards(service.id, result);
    }
    if (note) {
      // Beside it: the same record with its dates moved forward to end now (current data).
      const days = daysToNow(lastDataAt, new Date());
      const shifted = { ...record, resources: shiftRecord(record.resources, days) };
      console.log(`  ${color.bold}the same record with its dates moved ${days} days forward (ending now):${color.reset}`);
      for (const service of services) {
        if (service.hook !== 'patient-view') continue;
        const result = await callService(service, shifted).catch((e: Error) => ({ status: 0, cards: [], error: e.message, ms: 0 }));
        calls += 1;
        if (result.error) failures += 1;
        printCards(service.id, result);
      }
    }
    console.log('');
  }
  console.log(`${calls} hook calls, ${failures} failed.`);
  if (failures > 0) process.exitCode = 1;
}

void main();
