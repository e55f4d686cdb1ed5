/**
 * Load with faults, distributed mode, all real processes: the HTTP service and two scorer workers on
 * a Redis of our own. Under steady traffic (hook calls and feedback at a fixed rate) one worker is
 * killed with SIGKILL and started again, then Redis itself crashes and comes back. Every hook call
 * must still be answered within the deadline with 200 and a cards array (cards, or [] when scoring
 * could not finish in time), and every feedback item the service acknowledged must be in the Redis
 * stream afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { generatedRecords, patientViewCalls, type HookCall } from '../bench/bench-requests';
import { startService, startWorker, type ServiceProcess, type WorkerProcess } from '../bench/processes';
import { countersOf, scrape } from '../bench/prometheus-text';
import { discover, feedbackBody, sendRaw, type RawAnswer } from './support/hook-bases';
import { ThrowawayRedis } from '../support/throwaway-redis';

const HOOK_DEADLINE_MS = 1500;
const MARGIN_MS = 1000;
const TRAFFIC_MS = 20_000;
const HOOKS_PER_S = 10;
const FEEDBACK_PER_S = 4;

jest.setTimeout(90_000);

interface HookOutcome { at: number; answer: RawAnswer }

describe('distributed mode under steady traffic while a worker and Redis fail', () => {
  let redis: ThrowawayRedis;
  let service: ServiceProcess | undefined;
  const workers: WorkerProcess[] = [];
  const queueName = `reliability-${randomUUID()}`;
  const streamKey = `prognos:feedback:${queueName}`;
  const workerEnv = () => ({ REDIS_URL: redis.url, QUEUE_NAME: queueName, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    redis = await ThrowawayRedis.start({ persistent: true });
    workers.push(await startWorker(workerEnv()), await startWorker(workerEnv()));
    service = await startService({
      REDIS_URL: redis.url, QUEUE_NAME: queueName, FEEDBACK_STREAM_KEY: streamKey, HOOK_DEADLINE_MS: String(HOOK_DEADLINE_MS), LOG_LEVEL: 'error',
    });
  });

  afterAll(async () => {
    await service?.stop();
    for (const w of workers) await w.stop();
    await redis?.destroy();
  });

  it('answers every hook within the deadline and loses no feedback', async () => {
    const svc = service!;
    const calls: HookCall[] = patientViewCalls(await discover(svc.url), generatedRecords(100, new Date(), 4));
    // Warm: each service once, so the first measured calls are not compiling.
    for (const c of calls.slice(0, 3)) await sendRaw(`${svc.url}${c.path}`, 'POST', Buffer.from(c.body), 'application/json');
    const missesBefore = countersOf(await scrape(`${svc.url}/metrics`)).deadlineMisses;

    const hooks: Promise<HookOutcome>[] = [];
    // Feedback goes to cards the service really issued (feedback on any other uuid is refused, 404).
    const issued: string[] = [];
    const collect = (path: string, answer: RawAnswer): void => {
      if (!path.endsWith('/ckd-progression') || answer.status !== 200) return;
      for (const c of (answer.json as { cards?: { uuid: string }[] } | undefined)?.cards ?? []) issued.push(c.uuid);
    };
    for (const c of calls.filter((x) => x.path.endsWith('/ckd-progression')).slice(0, 20)) {
      collect(c.path, await sendRaw(`${svc.url}${c.path}`, 'POST', Buffer.from(c.body), 'application/json'));
    }
    expect(issued.length).toBeGreaterThan(0);
    let nextCard = 0;
    const feedback: Promise<{ uuid: string; answer: RawAnswer; at: number }>[] = [];
    const events: string[] = [];
    const t0 = Date.now();
    const since = () => Date.now() - t0;
    let i = 0;
    const hookTimer = setInterval(() => {
      const c = calls[i++ % calls.length]!;
      const at = since();
      hooks.push(sendRaw(`${svc.url}${c.path}`, 'POST', Buffer.from(c.body), 'application/json', 10_000).then((answer) => { collect(c.path, answer); return { at, answer }; }));
    }, 1000 / HOOKS_PER_S);
    const feedbackTimer = setInterval(() => {
      // Newest cards first (cards issued during the Redis outage are attributed by the local mirror).
      const uuid = issued[issued.length - 1 - (nextCard++ % Math.min(issued.length, 50))]!;
      const at = since();
      feedback.push(sendRaw(`${svc.url}/cds-services/ckd-progression/feedback`, 'POST', Buffer.from(JSON.stringify(feedbackBody(uuid))), 'application/json', 10_000)
        .then((answer) => ({ uuid, answer, at })));
    }, 1000 / FEEDBACK_PER_S);
    const at = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - since())));

    await at(3000);
    events.push(`${since()} ms: SIGKILL worker ${workers[0]!.pid}`);
    await workers[0]!.kill();
    await at(6000);
    const replacement = await startWorker(workerEnv());
    workers[0] = replacement;
    events.push(`${since()} ms: worker restarted (pid ${replacement.pid})`);
    await at(10_000);
    events.push(`${since()} ms: Redis crashed (SIGKILL)`);
    await redis.crash();
    await at(13_000);
    await redis.up();
    events.push(`${since()} ms: Redis back`);
    await at(TRAFFIC_MS);
    clearInterval(hookTimer);
    clearInterval(feedbackTimer);
    const hookOutcomes = await Promise.all(hooks);
    const feedbackOutcomes = await Promise.all(feedback);

    // Acknowledged feedback must reach the stream (the store retries after Redis returns).
    const acked = feedbackOutcomes.filter((f) => f.answer.status === 200).map((f) => f.uuid);
    const reader = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    let stored = new Set<string>();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const entries = await reader.xrange(streamKey, '-', '+');
      stored = new Set(entries.map(([, fields]) => (JSON.parse(fields[fields.indexOf('data') + 1]!) as { cardUuid: string }).cardUuid));
      if (acked.every((u) => stored.has(u))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await reader.quit();
    const lost = acked.filter((u) => !stored.has(u));
    const duringOutage = feedbackOutcomes.filter((f) => f.at >= 10_000 && f.at < 13_500).length;

    const answers = hookOutcomes.map((h) => h.answer);
    const ok = answers.filter((a) => a.status === 200 && Array.isArray((a.json as { cards?: unknown } | undefined)?.cards));
    const withCards = ok.filter((a) => (a.json as { cards: unknown[] }).cards.length > 0).length;
    const late = answers.filter((a) => a.elapsedMs > HOOK_DEADLINE_MS + MARGIN_MS);
    const slowest = Math.max(...answers.map((a) => a.elapsedMs));
    const sorted = answers.map((a) => a.elapsedMs).sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
    const misses = countersOf(await scrape(`${svc.url}/metrics`)).deadlineMisses - missesBefore;
    const errors = answers.length - ok.length;
    // eslint-disable-next-line no-console
    console.log([
      `load with faults: ${events.join('; ')}`,
      `hooks: ${answers.length} sent, ${ok.length} answered 200 with a cards array (${withCards} with cards, ${ok.length - withCards} empty), errors ${errors}, `
        + `within ${HOOK_DEADLINE_MS}+${MARGIN_MS} ms: ${answers.length - late.length}/${answers.length}, p99 ${p99.toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms, deadline misses (metric) ${misses}`,
      `feedback: ${feedbackOutcomes.length} sent (${duringOutage} during the Redis outage), ${acked.length} acknowledged, ${acked.length - lost.length} in the stream, lost ${lost.length}`,
    ].join('\n'));
    if (errors > 0) {
      // eslint-disable-next-line no-console
      console.log(`first errors: ${JSON.stringify(answers.filter((a) => !ok.includes(a)).slice(0, 3).map((a) => ({ status: a.status, t: a.transportError, body: a.text.slice(0, 200) })))}\n${svc.output().slice(-2000)}`);
    }

    expect(errors).toBe(0);
    expect(late.map((a) => Math.round(a.elapsedMs))).toEqual([]);
    expect(feedbackOutcomes.filter((f) => f.answer.status !== 200).map((f) => f.answer.status)).toEqual([]);
    expect(lost).toEqual([]);
    expect(withCards).toBeGreaterThan(answers.length / 2);
    expect(svc.child.exitCode).toBeNull();
  });
});
