/**
 * Fuzzing: thousands of seeded, mutated requests against the real service process over HTTP
 * (`node services/cds-hooks/dist/main.js`, embedded mode, real models). Every answer must be 2xx, or
 * 4xx with a FHIR OperationOutcome body; never 5xx, never a dropped connection; the process stays up
 * and keeps answering valid hooks with cards, and its memory comes back to a bounded level.
 *
 * FUZZ_CASES (default 2400), FUZZ_SEED (default 20261130) replay or widen a run; FUZZ_BUDGET_S
 * (default 45) bounds the time spent sending (a loaded machine runs fewer cases; the count is logged).
 */
import { randomUUID } from 'node:crypto';
import { MB, readMemory, startService, type ServiceProcess } from '../bench/processes';
import { fuzzCase, type FuzzBase, type FuzzCase } from './support/fuzz-mutator';
import { discover, isOperationOutcome, pool, sendRaw, validBases, type RawAnswer } from './support/hook-bases';

const CASES = Number(process.env.FUZZ_CASES ?? 2400);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_S ?? 45) * 1000;
/** Fewer cases than this in the budget would not be a meaningful fuzz run. */
const MIN_CASES = Math.min(CASES, 500);
const BODY_LIMIT_BYTES = 1024 * 1024;
/** RSS may grow this much over the baseline taken after phase A (V8 keeps heap it has grown into). */
const RSS_GROWTH_LIMIT_MB = 64;

jest.setTimeout(120_000);

interface Failure { seed: number; mutations: string[]; path: string; method: string; status: number; why: string; body: string }

function judge(c: FuzzCase, a: RawAnswer): string | undefined {
  if (a.transportError) return `no HTTP answer (${a.transportError})`;
  if (a.status >= 500) return `server error ${a.status}`;
  if (c.expectStatus !== undefined && a.status !== c.expectStatus) return `expected ${c.expectStatus}, got ${a.status}`;
  if (a.status >= 400) {
    if (!isOperationOutcome(a.json)) return `${a.status} without an OperationOutcome body`;
    if (!/json/.test(a.contentType)) return `${a.status} with content-type ${a.contentType}`;
    return undefined;
  }
  if (a.status >= 200 && a.status < 300 && c.method === 'POST' && /^\/cds-services\/[^/]+$/.test(c.path)) {
    const cards = (a.json as { cards?: unknown } | undefined)?.cards;
    if (!Array.isArray(cards)) return `${a.status} without a cards array`;
  }
  return undefined;
}

describe('fuzzing the hook endpoints with mutated requests', () => {
  let service: ServiceProcess;
  let bases: FuzzBase[];

  beforeAll(async () => {
    service = await startService({ BODY_LIMIT: '1mb', LOG_LEVEL: 'error' });
    bases = validBases(await discover(service.url));
  });

  afterAll(async () => {
    await service?.stop();
  });

  it(`answers up to ${CASES} mutated requests with 2xx, or 4xx and an OperationOutcome, never 5xx, within bounded memory`, async () => {
    await pool(bases, 4, (b) => sendRaw(`${service.url}${b.path}`, 'POST', Buffer.from(JSON.stringify(b.body)), 'application/json'));
    const cold = readMemory(service.pid).rss;

    const statuses = new Map<number, number>();
    const failures: Failure[] = [];
    let sent = 0;
    let peak = cold;
    const sampler = setInterval(() => { peak = Math.max(peak, readMemory(service.pid).rss); }, 250);
    const t0 = Date.now();
    /** Sends cases [from, to) until `budgetMs` has passed since t0; every answer is judged. */
    const phase = (from: number, to: number, budgetMs: number) => pool(Array.from({ length: to - from }, (_, k) => from + k), 8, async (i) => {
      if (Date.now() - t0 > budgetMs) return;
      // Built just before it is sent: building them all first would leave the keep-alive sockets
      // idle past the server's timeout, and the client would then race a closing socket.
      const c = fuzzCase(SEED, i, bases, BODY_LIMIT_BYTES);
      sent += 1;
      const a = await sendRaw(`${service.url}${c.path}`, c.method, c.body, c.contentType);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      const why = judge(c, a);
      if (why) failures.push({ seed: c.seed, mutations: c.mutations, path: c.path, method: c.method, status: a.status, why, body: a.text.slice(0, 200) });
    });
    const settle = async () => { await new Promise((r) => setTimeout(r, 2000)); return readMemory(service.pid).rss; };

    // Phase A (the first third) grows the heap to its working size: the baseline is taken after it.
    const split = Math.floor(CASES / 3);
    await phase(0, split, BUDGET_MS / 3);
    const sentA = sent;
    const baseline = await settle();
    await phase(split, CASES, BUDGET_MS);
    clearInterval(sampler);
    const elapsed = (Date.now() - t0) / 1000;
    const settled = await settle();

    const summary = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ');
    // eslint-disable-next-line no-console
    console.log(`fuzz: ${sent} of ${CASES} cases (seed ${SEED}) in ${elapsed.toFixed(1)} s; statuses ${summary}; RSS cold ${(cold / MB).toFixed(0)} MB, `
      + `after phase A (${sentA} cases) ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB, after phase B (${sent - sentA} cases) ${(settled / MB).toFixed(0)} MB`);
    if (failures.length > 0) {
      // eslint-disable-next-line no-console
      console.log(`fuzz failures (first 10 of ${failures.length}):\n${failures.slice(0, 10).map((f) => JSON.stringify(f)).join('\n')}\n--- service log tail ---\n${service.output().slice(-3000)}`);
    }
    expect(failures.map((f) => `${f.why} [seed ${f.seed}: ${f.mutations.join(', ')}]`).slice(0, 10)).toEqual([]);
    expect(service.child.exitCode).toBeNull();
    expect(sent).toBeGreaterThanOrEqual(MIN_CASES);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(sent * 0.05);
    // Phase B is twice phase A: a leak would grow RSS by about twice what phase A grew it.
    expect((settled - baseline) / MB).toBeLessThan(RSS_GROWTH_LIMIT_MB);
  });

  it('is still alive afterwards and answers a valid hook with cards', async () => {
    const health = await sendRaw(`${service.url}/healthz`, 'GET', undefined, undefined);
    expect(health.status).toBe(200);
    const ckd = bases.find((b) => b.path === '/cds-services/ckd-progression')!;
    const body = { ...(ckd.body as object), hookInstance: randomUUID() };
    const a = await sendRaw(`${service.url}${ckd.path}`, 'POST', Buffer.from(JSON.stringify(body)), 'application/json');
    expect(a.status).toBe(200);
    expect((a.json as { cards: unknown[] }).cards.length).toBeGreaterThan(0);
  });

  it('has not had its Object prototype polluted by __proto__ keys', async () => {
    // A polluted prototype would show up as an extra field on every answer (e.g. "polluted": true).
    const a = await sendRaw(`${service.url}/cds-services`, 'GET', undefined, undefined);
    expect(a.status).toBe(200);
    expect(a.text).not.toContain('polluted');
    const pv = bases.find((b) => b.path.endsWith('/cardiovascular-risk'))!;
    const b = await sendRaw(`${service.url}${pv.path}`, 'POST', Buffer.from(JSON.stringify(pv.body)), 'application/json');
    expect(b.status).toBe(200);
    expect(b.text).not.toContain('polluted');
  });
});
