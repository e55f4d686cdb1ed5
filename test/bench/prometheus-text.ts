/**
 * Reads counters out of a Prometheus text exposition (what /metrics serves), summed over labels.
 * Enough for the benchmark's before/after deltas; not a general parser.
 */

/** Sum of every sample of `name` (all label sets) whose labels contain `match`; 0 when absent. */
export function sumMetric(text: string, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    let labels = '';
    let value = rest.trim();
    if (rest[0] === '{') {
      const close = rest.indexOf('}');
      labels = rest.slice(1, close);
      value = rest.slice(close + 1).trim();
    }
    if (!Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`))) continue;
    const n = Number(value.split(' ')[0]);
    if (Number.isFinite(n)) total += n;
  }
  return total;
}

/** GET a /metrics URL; '' when it cannot be read (the caller treats counters as absent). */
export async function scrape(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

/** The counters the benchmark reports, from one scrape. */
export interface CounterSnapshot {
  deadlineMisses: number;
  inferenceRows: number;
  inferenceRuns: number;
}

export function countersOf(text: string): CounterSnapshot {
  return {
    deadlineMisses: sumMetric(text, 'prognos_deadline_misses_total'),
    inferenceRows: sumMetric(text, 'prognos_inference_rows_total'),
    inferenceRuns: sumMetric(text, 'prognos_inference_runs_total'),
  };
}

export function diffCounters(after: CounterSnapshot, before: CounterSnapshot): CounterSnapshot {
  return {
    deadlineMisses: after.deadlineMisses - before.deadlineMisses,
    inferenceRows: after.inferenceRows - before.inferenceRows,
    inferenceRuns: after.inferenceRuns - before.inferenceRuns,
  };
}

export function addCounters(a: CounterSnapshot, b: CounterSnapshot): CounterSnapshot {
  return {
    deadlineMisses: a.deadlineMisses + b.deadlineMisses,
    inferenceRows: a.inferenceRows + b.inferenceRows,
    inferenceRuns: a.inferenceRuns + b.inferenceRuns,
  };
}

/** Scoring inputs and batch jobs an HTTP service has sent so far (the prognos_queue_batch_inputs histogram), from its /metrics text. */
export function queueBatchInputs(text: string): { inputs: number; jobs: number } {
  return { inputs: sumMetric(text, 'prognos_queue_batch_inputs_sum'), jobs: sumMetric(text, 'prognos_queue_batch_inputs_count') };
}
