/**
 * Model drift for the dashboard: per model and output, the distribution of the predictions this
 * service returned (ten 0.1-wide bins, per hour, last 48 hours), and per model the share of
 * requests where each input was missing. Recorded on the HTTP side from the scoring input and
 * output, so it covers embedded and distributed modes alike. Holds counts only: no patient data,
 * no values of single predictions.
 *
 * Inputs of a flat model are its manifest's feature names (present flag 0 = missing); inputs of a
 * learned sequence model are its concepts (no value anywhere in the sequence = missing) and its
 * static features (staticPresent 0).
 */
import { SEQUENCE_SETS, type ModelInfo, type ScoringInput, type ScoringOutput, type SequenceSetDefinition } from '@prognos/contracts';

export const DRIFT_BIN_MS = 3_600_000;
export const DRIFT_BINS_KEPT = 48;
const DECILES = 10;

interface Bin { start: number; n: number; sum: number; deciles: number[] }
interface Missing { requests: number; missing: Record<string, number> }

export interface DriftSnapshot {
  binMs: number;
  predictions: { model: string; version: string; output: string; n: number; mean: number | null; deciles: number[]; bins: { start: string; n: number; mean: number | null; deciles: number[] }[] }[];
  missingness: { model: string; requests: number; inputs: Record<string, number> }[];
}

export class ModelDrift {
  private readonly predictions = new Map<string, { model: string; version: string; output: string; total: Bin; bins: Bin[] }>();
  private readonly missing = new Map<string, Missing>();

  constructor(private readonly models: () => readonly ModelInfo[] = () => []) {}

  /** Counts one scored request. */
  record(input: ScoringInput, output: ScoringOutput, now = Date.now()): void {
    const start = Math.floor(now / DRIFT_BIN_MS) * DRIFT_BIN_MS;
    const asked = new Set<string>();
    for (const p of output.predictions) {
      asked.add(p.modelId);
      if (typeof p.value !== 'number' || !Number.isFinite(p.value) || p.value < 0 || p.value > 1) continue;
      const key = `${p.modelId}\u0000${p.output}`;
      let entry = this.predictions.get(key);
      if (!entry) {
        entry = { model: p.modelId, version: p.modelVersion, output: p.output, total: newBin(0), bins: [] };
        this.predictions.set(key, entry);
      }
      entry.version = p.modelVersion;
      let bin = entry.bins[entry.bins.length - 1];
      if (!bin || bin.start !== start) {
        bin = newBin(start);
        entry.bins.push(bin);
        if (entry.bins.length > DRIFT_BINS_KEPT) entry.bins.shift();
      }
      add(bin, p.value);
      add(entry.total, p.value);
    }
    const infos = new Map(this.models().map((m) => [m.id, m]));
    for (const id of asked) {
      const missing = inputsMissing(infos.get(id), input);
      if (!missing) continue;
      let m = this.missing.get(id);
      if (!m) { m = { requests: 0, missing: {} }; this.missing.set(id, m); }
      m.requests++;
      for (const [name, isMissing] of Object.entries(missing)) m.missing[name] = (m.missing[name] ?? 0) + (isMissing ? 1 : 0);
    }
  }

  snapshot(): DriftSnapshot {
    const mean = (b: Bin) => (b.n > 0 ? Math.round((b.sum / b.n) * 1e4) / 1e4 : null);
    return {
      binMs: DRIFT_BIN_MS,
      predictions: [...this.predictions.values()].map((e) => ({
        model: e.model, version: e.version, output: e.output, n: e.total.n, mean: mean(e.total), deciles: [...e.total.deciles],
        bins: e.bins.map((b) => ({ start: new Date(b.start).toISOString(), n: b.n, mean: mean(b), deciles: [...b.deciles] })),
      })),
      missingness: [...this.missing.entries()].map(([model, m]) => ({
        model, requests: m.requests,
        inputs: Object.fromEntries(Object.entries(m.missing).map(([k, v]) => [k, Math.round((v / m.requests) * 1e4) / 1e4])),
      })),
    };
  }
}

function newBin(start: number): Bin { return { start, n: 0, sum: 0, deciles: new Array(DECILES).fill(0) }; }
function add(b: Bin, v: number): void { b.n++; b.sum += v; b.deciles[Math.min(DECILES - 1, Math.floor(v * DECILES))]!++; }

/** input name -> missing, for the model's inputs in this request; undefined when unknown. */
function inputsMissing(info: ModelInfo | undefined, input: ScoringInput): Record<string, boolean> | undefined {
  for (const seq of Object.values(input.sequences ?? {})) {
    const def = (SEQUENCE_SETS as Record<string, SequenceSetDefinition>)[seq.set];
    if (!def || !info?.inputs.some((i) => i.unit === 'sequence')) continue;
    const out: Record<string, boolean> = {};
    def.concepts.forEach((c, k) => {
      let any = false;
      for (let t = 0; t < seq.length && !any; t++) any = seq.steps[t * seq.channels + 3 + 2 * k] === 1;
      out[c.name] = !any;
    });
    def.statics.forEach((s, k) => { out[s.name] = seq.staticPresent[k] === 0; });
    return out;
  }
  if (!info) return undefined;
  const out: Record<string, boolean> = {};
  for (const { name } of info.inputs) {
    for (const set of Object.values(input.featureSets)) {
      const i = set.names.indexOf(name);
      if (i >= 0) { out[name] = set.present[i] === 0; break; }
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
