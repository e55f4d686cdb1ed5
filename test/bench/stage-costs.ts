/**
 * Where one hook call's CPU goes, stage by stage, in this process (no HTTP): `JSON.parse` of the body
 * (the floor), reading the body (body-parser's way: chunk-wise decoding through iconv-lite, against
 * ours: one Buffer, one decode), the depth check, request validation, gathering, feature extraction
 * with payload minimisation, the scoring-input schema check (no longer run in embedded mode), scoring
 * and card building (`runHook` as a whole minus its parts), for the median records and the CKD
 * three-year records. Each stage is timed over the same calls in rotation, rounds interleaved, and
 * the median of the rounds is reported, so a shared machine biases every stage alike.
 *
 *   node dist-test/bench/stage-costs.js                   # this build
 *   STAGE_BASE=/path/to/older/checkout node dist-test/bench/stage-costs.js
 *       # also times the same stages with an older build's depth check, minimisation and runHook
 *       # (that checkout built with `npx tsc -b`), for before/after figures in one run
 */
import path from 'node:path';
import { createInProcessScorer, createScorerLogger, loadScorerConfig } from '@prognos/scorer';
import { MemoryCardRegistry, createLogger, embeddedEngine, loadConfig, runHook, type HookDependencies } from '@prognos/cds-hooks';
import { scoringInputSchema } from '@prognos/contracts';
import { ckdRecords, generatedRecords, patientViewCalls, type HookCall } from './bench-requests';

/* eslint-disable @typescript-eslint/no-require-imports */
const CDS_DIST = path.join(__dirname, '..', '..', 'services', 'cds-hooks', 'dist');
type Fn = (i: number) => unknown;

function timeRound(fn: Fn, n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

async function timeRoundAsync(fn: (i: number) => Promise<unknown>, n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const rounds = Number(process.env.STAGE_ROUNDS ?? 7);
  const perRound = Number(process.env.STAGE_CALLS ?? 60);
  const base = process.env.STAGE_BASE;
  const scorer = await createInProcessScorer(loadScorerConfig({ LOG_LEVEL: 'warn' } as NodeJS.ProcessEnv), { logger: createScorerLogger('warn') });
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  const deps: HookDependencies = {
    config, engine: embeddedEngine(scorer), logger: createLogger('silent'),
    cardRegistry: new MemoryCardRegistry(config.CARD_REGISTRY_TTL_S, config.CARD_REGISTRY_MAX),
  };
  const client = { iss: 'development', fhirServers: [] as string[] };
  const byId = new Map(scorer.services().map((s) => [s.id, s]));

  const mod = (dir: string, rel: string) => require(path.join(dir, rel)) as Record<string, (...a: never[]) => unknown>;
  const cur = {
    depth: mod(CDS_DIST, 'http/limit-json-depth.js').jsonDepthExceeds as (v: unknown, l: number) => boolean,
    validate: mod(CDS_DIST, 'hooks/validate-hook-request.js').validateHookRequest as (b: unknown, d: unknown) => { context: Record<string, unknown> },
    gather: mod(CDS_DIST, 'prefetch/gather-record.js').gatherRecord as (d: unknown, r: unknown, o: unknown) => Promise<{ resources: unknown[] }>,
    build: mod(CDS_DIST, 'pipeline/build-scoring-input.js').buildScoringInput as (s: unknown) => unknown,
  };
  const old = base ? {
    depth: mod(path.join(base, 'services/cds-hooks/dist'), 'http/limit-json-depth.js').jsonDepthExceeds as (v: unknown, l: number) => boolean,
    build: mod(path.join(base, 'services/cds-hooks/dist'), 'pipeline/build-scoring-input.js').buildScoringInput as (s: unknown) => unknown,
  } : undefined;
  const iconv = require('iconv-lite') as { getDecoder(e: string): { write(b: Buffer): string; end(): string | undefined } };

  const asOf = new Date();
  const sets: { name: string; calls: HookCall[] }[] = [
    { name: 'pv-median', calls: patientViewCalls(scorer.services(), generatedRecords(1000, asOf)) },
    { name: 'pv-ckd-3y', calls: patientViewCalls(scorer.services(), ckdRecords(asOf)) },
  ];
  const gatherOptions = { allowedFhirServers: [], queryTimeoutMs: 800, deadline: 0, maxPages: 20, maxResponseBytes: 20_000_000, maxResources: 50_000 };

  for (const set of sets) {
    const calls = set.calls;
    const n = calls.length;
    const bufs = calls.map((c) => Buffer.from(c.body));
    const bodies = calls.map((c) => JSON.parse(c.body) as unknown);
    const desc = calls.map((c) => byId.get(c.serviceId)!);
    const requests = bodies.map((b, i) => cur.validate(b, desc[i]));
    const gathered = await Promise.all(requests.map((r, i) => cur.gather(desc[i], r, { ...gatherOptions, deadline: Date.now() + 60_000 })));
    const sources = gathered.map((g, i) => ({ descriptor: desc[i], resources: g.resources, asOf }));
    const inputs = sources.map((s) => cur.build(s));

    const stages: [string, Fn | ((i: number) => Promise<unknown>), boolean][] = [
      ['JSON.parse of the body (floor)', (i) => JSON.parse(calls[i % n]!.body), false],
      ['body read, body-parser way (iconv chunks) + parse', (i) => {
        const b = bufs[i % n]!; const d = iconv.getDecoder('utf-8'); let s = '';
        for (let o = 0; o < b.length; o += 65536) s += d.write(b.subarray(o, Math.min(b.length, o + 65536)));
        s += d.end() ?? ''; return JSON.parse(s);
      }, false],
      ['body read, one Buffer one decode + parse (now)', (i) => JSON.parse(bufs[i % n]!.toString('utf8')), false],
      ['depth check (now)', (i) => cur.depth(bodies[i % n], 64), false],
      ['request validation (zod)', (i) => cur.validate(bodies[i % n], desc[i % n]), false],
      ['gather record from prefetch', (i) => cur.gather(desc[i % n], requests[i % n], { ...gatherOptions, deadline: Date.now() + 60_000 }), true],
      ['extraction + minimisation (now)', (i) => cur.build(sources[i % n]), false],
      ['scoring-input schema check (before; not run now)', (i) => scoringInputSchema.safeParse(inputs[i % n]), false],
      ['score: models + card rules (scoreValidated)', (i) => scorer.scoreValidated(inputs[i % n] as never, { deadline: Date.now() + 60_000 }), true],
      ['whole call now: parse + runHook + stringify', async (i) => JSON.stringify(await runHook(desc[i % n]!, JSON.parse(calls[i % n]!.body), client, deps)), true],
    ];
    if (old) {
      stages.splice(4, 0, ['depth check (before)', (i) => old.depth(bodies[i % n], 64), false]);
      stages.splice(8, 0, ['extraction + minimisation (before)', (i) => old.build(sources[i % n]), false]);
    }
    const results = new Map<string, number[]>(stages.map(([k]) => [k, []]));
    for (const [, fn, isAsync] of stages) { // warm-up
      if (isAsync) await timeRoundAsync(fn as (i: number) => Promise<unknown>, perRound); else timeRound(fn as Fn, perRound);
    }
    for (let r = 0; r < rounds; r++) {
      for (const [k, fn, isAsync] of stages) {
        results.get(k)!.push(isAsync ? await timeRoundAsync(fn as (i: number) => Promise<unknown>, perRound) : timeRound(fn as Fn, perRound));
      }
    }
    const parseMs = median(results.get('JSON.parse of the body (floor)')!);
    const kb = calls.reduce((s, c) => s + c.body.length, 0) / n / 1024;
    const res = calls.reduce((s, c) => s + c.prefetchResources, 0) / n;
    process.stdout.write(`\n### ${set.name}: ${n} calls, ${res.toFixed(0)} prefetch resources, ${kb.toFixed(0)} KB body (median of ${rounds} rounds × ${perRound} calls)\n\n| stage | ms per call | × JSON.parse |\n|---|---:|---:|\n`);
    for (const [k] of stages) {
      const ms = median(results.get(k)!);
      process.stdout.write(`| ${k} | ${ms.toFixed(3)} | ${(ms / parseMs).toFixed(2)} |\n`);
    }
  }
  await scorer.close();
}

if (require.main === module) {
  main().then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exit(1); });
}
