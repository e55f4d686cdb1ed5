/**
 * What a hook call costs before any clinical work: the ceiling of `service req/s ÷ JSON.parse/s` on
 * this machine. Beside the real service it runs two bare servers with the service's own HTTP stack
 * (express 5, helmet, the same port shared by N processes through node:cluster), answering every call
 * with the real service's answer to that call (captured once, re-serialised by `res.json` per call as
 * the service does):
 *
 * - `bytes`: the body is read and dropped: HTTP, express, helmet, the answer and autocannon alone;
 * - `read+parse`: the body goes through the service's reader (`readJsonBody`: bytes once, parsed in
 *   pieces under V8's large-object size, depth bound), then the fixed answer.
 *
 * So `service ÷ read+parse` is what the clinical pipeline (validation, gathering, extraction, safety,
 * models, cards) leaves of the bare reader's throughput, and `read+parse ÷ JSON.parse/s` is the most
 * any pipeline could reach here. Every server is driven at 10 connections for 5 s per round, rounds
 * interleaved (the machine is shared), medians reported. Each server is first warmed for
 * `BENCH_WARMUP_S` (default 10). The service is started afresh for each scenario, and what traffic a
 * process has seen matters: on the CKD records a fresh service answered 500-610 req/s here, the same
 * service after median-record traffic 715-840 (BENCHMARKS.md, fifth pass), so compare this tool's
 * service row with `paired-ab.js` and `npm run bench`, which warm on other scenarios first.
 *
 *   npx tsc -b && [BENCH_ROUNDS=3] [BENCH_PROCESSES=1,2] [BENCH_SCENARIOS=pv-median,pv-ckd-3y] [BENCH_WARMUP_S=10] node dist-test/bench/http-ceiling.js
 */
import cluster from 'node:cluster';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import express from 'express';
import helmet from 'helmet';
import { parseByteSize, readJsonBody } from '@prognos/cds-hooks';
import { loadScorerConfig, loadServiceCatalog } from '@prognos/scorer';
import { ckdRecords, generatedRecords, jsonParseRate, patientViewCalls, type HookCall } from './bench-requests';
import { driveLoad } from './drive-load';
import { PairedRounds } from './paired-rounds';
import { freePort, startService, type ServiceProcess } from './processes';

type Variant = 'bytes' | 'read+parse';

/** One bare server process (a cluster worker): answers POST /cds-services/:id with answers[id]. */
function serveBare(variant: Variant, port: number, answers: Record<string, unknown>): void {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(helmet());
  if (variant === 'bytes') {
    app.use('/cds-services', (req, _res, next) => {
      req.on('data', () => undefined);
      req.on('end', () => next());
    });
  } else {
    const fallback: express.RequestHandler = (_req, res) => { res.status(415).end(); };
    app.use('/cds-services', readJsonBody({ limitBytes: parseByteSize('64mb'), maxDepth: 64, fallback }));
  }
  app.post('/cds-services/:id', (req, res) => { res.json(answers[req.params.id!] ?? { cards: [] }); });
  app.listen(port, '127.0.0.1');
}

interface BareServer { url: string; stop(): Promise<void> }

/** Starts `processes` bare servers of `variant` on one port (a primary forking cluster workers). */
async function startBare(variant: Variant, processes: number, answersFile: string): Promise<BareServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [__filename, '--serve', variant, String(processes), String(port), answersFile], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await fetch(`${url}/cds-services/probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      .then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`bare ${variant} server did not start`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Every worker must be listening before the load starts: give the cluster a moment after the first.
  await new Promise((r) => setTimeout(r, 500));
  return {
    url,
    stop: () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); }),
  };
}

/** The real service's answer to the first call of each service id (what the bare servers send). */
async function captureAnswers(service: ServiceProcess, calls: readonly HookCall[]): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  for (const c of calls) {
    if (answers[c.serviceId]) continue;
    const r = await fetch(`${service.url}${c.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: c.body });
    if (!r.ok) throw new Error(`${c.path}: HTTP ${r.status}`);
    answers[c.serviceId] = await r.json();
  }
  return answers;
}

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const warmupS = Number(process.env.BENCH_WARMUP_S ?? 10);
  const processCounts = (process.env.BENCH_PROCESSES ?? `1,${os.availableParallelism()}`).split(',').map(Number).filter((n) => n > 0);
  const catalog = loadServiceCatalog(loadScorerConfig());
  const asOf = new Date();
  const sets: [string, HookCall[]][] = [
    ['pv-median', patientViewCalls(catalog.services, generatedRecords(1000, asOf))],
    ['pv-ckd-3y', patientViewCalls(catalog.services, ckdRecords(asOf))],
    ['pv-small', patientViewCalls(catalog.services, generatedRecords(100, asOf))],
  ];
  const only = (process.env.BENCH_SCENARIOS ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  if (only.length > 0) sets.splice(0, sets.length, ...sets.filter(([n]) => only.includes(n)));
  const env = { BODY_LIMIT: '64mb', LOG_LEVEL: 'warn' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prognos-ceiling-'));
  process.stderr.write(`load at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  const results = new PairedRounds();
  for (const [sn, calls] of sets) {
    // One set of servers per scenario: the bare servers answer with this scenario's real answers.
    const servers: [string, { url: string; stop(): Promise<void> }][] = [];
    for (const n of processCounts) {
      const service = await startService({ ...env, EMBEDDED_PROCESSES: String(n) });
      servers.push([`service, ${n} process${n > 1 ? 'es' : ''}`, service]);
    }
    const answersFile = path.join(dir, `${sn}.json`);
    fs.writeFileSync(answersFile, JSON.stringify(await captureAnswers(servers[0]![1] as ServiceProcess, calls)));
    for (const n of processCounts) {
      for (const v of ['read+parse', 'bytes'] as const) servers.push([`bare ${v}, ${n} process${n > 1 ? 'es' : ''}`, await startBare(v, n, answersFile)]);
    }
    for (const [, s] of servers) await driveLoad(s.url, calls, { connections: 10, durationS: warmupS });
    for (let r = 0; r < rounds; r++) {
      const parse = jsonParseRate(calls, 700);
      for (const [name, s] of servers) await results.measure(r, sn, name, s.url, calls, parse);
    }
    for (const [, s] of servers) await s.stop();
  }
  process.stderr.write(`load at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  process.stdout.write(results.table('server'));
  fs.rmSync(dir, { recursive: true, force: true });
}

function serveMain(args: string[]): void {
  const [variant, processes, port, answersFile] = args as [Variant, string, string, string];
  if (cluster.isPrimary) {
    for (let i = 0; i < Number(processes); i++) cluster.fork();
    process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers ?? {})) w?.kill(); process.exit(0); });
    return;
  }
  serveBare(variant, Number(port), JSON.parse(fs.readFileSync(answersFile, 'utf8')) as Record<string, unknown>);
}

if (require.main === module) {
  const serve = process.argv.indexOf('--serve');
  if (serve >= 0) serveMain(process.argv.slice(serve + 1));
  else main().then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${(e as Error).stack ?? String(e)}\n`); process.exit(1); });
}
