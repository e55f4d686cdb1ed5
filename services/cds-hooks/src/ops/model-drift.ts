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
 *
 * The counts are mergeable ({@link DriftState}): in multi-process embedded mode each worker records
 * into its own copy and hands the counts gathered since its last hand-over to the cluster primary
 * (`takeDelta` → `absorb`, cluster/cluster-drift.ts), so the panel shows every process's calls
 * whichever worker serves it, and the counts outlive a worker that dies.
 */
import { SEQUENCE_SETS, type ModelInfo, type ScoringInput, type ScoringOutput, type SequenceSetDefinition } from '@prognos/contracts';

export const DRIFT_BIN_MS = 3_600_000;
export const DRIFT_BINS_KEPT = 48;
const DECILES = 10;

interface Bin { start: number; n: number; sum: number; deciles: number[] }
interface Missing { requests: number; missing: Record<string, number> }
interface PredictionEntry { model: string; version: string; output: string; total: Bin; bins: Bin[] }

/**
 * The raw counts of a {@link ModelDrift} (JSON-safe: sent over the cluster's IPC channel): per model
 * output, hourly bins of count, sum and tenths; per model, requests and missing-input counts. Counts
 * and sums only, never a single prediction or a patient's data.
 */
export interface DriftState {
  predictions: PredictionEntry[];
  missing: { model: string; requests: number; missing: Record<string, number> }[];
}

/** What the hook pipeline and the dashboard need of the drift counts (one process's or the cluster's). */
export interface DriftView {
  record(input: ScoringInput, output: ScoringOutput, now?: number): void;
  snapshot(): DriftSnapshot | Promise<DriftSnapshot>;
}

export interface DriftSnapshot {
  binMs: number;
  predictions: { model: string; version: string; output: string; n: number; mean: number | null; deciles: number[]; bins: { start: string; n: number; mean: number | null; deciles: number[] }[] }[];
  missingness: { model: string; requests: number; inputs: Record<string, number> }[];
}

export class ModelDrift implements DriftView {
  private predictions = new Map<string, PredictionEntry>();
  private missing = new Map<string, Missing>();

  constructor(private readonly models: () => readonly ModelInfo[] = () => []) {}

  /** Counts one scored request. */
  record(input: ScoringInput, output: ScoringOutput, now = Date.now()): void {
    const start = Math.floor(now / DRIFT_BIN_MS) * DRIFT_BIN_MS;
    const asked = new Set<string>();
    for (const p of output.predictions) {
      asked.add(p.modelId);
      if (typeof p.value !== 'number' || !Number.isFinite(p.value) || p.value < 0 || p.value > 1) continue;
      const entry = this.entry(p.modelId, p.output, p.modelVersion);
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

  /** The counts of one model output (created empty), its version set to the latest seen. */
  private entry(model: string, output: string, version: string): PredictionEntry {
    const key = `${model}\u0000${output}`;
    let entry = this.predictions.get(key);
    if (!entry) {
      entry = { model, version, output, total: newBin(0), bins: [] };
      this.predictions.set(key, entry);
    }
    entry.version = version;
    return entry;
  }

  /** Whether anything was recorded or absorbed since the last {@link takeDelta}. */
  get empty(): boolean { return this.predictions.size === 0 && this.missing.size === 0; }

  /** The counts recorded since the last call, and a fresh start (what a worker hands to the primary). */
  takeDelta(): DriftState {
    const state: DriftState = {
      predictions: [...this.predictions.values()],
      missing: [...this.missing.entries()].map(([model, m]) => ({ model, requests: m.requests, missing: m.missing })),
    };
    this.predictions = new Map();
    this.missing = new Map();
    return state;
  }

  /**
   * Adds another recorder's counts (bins of the same hour are summed; the 48 newest hours are kept).
   * The model version is the absorbed one's: deltas arrive in time order, so it is the newer.
   */
  absorb(state: DriftState): void {
    for (const p of state.predictions) {
      const entry = this.entry(p.model, p.output, p.version);
      addBin(entry.total, p.total);
      for (const b of p.bins) {
        const same = entry.bins.find((x) => x.start === b.start);
        if (same) { addBin(same, b); continue; }
        const copy = newBin(b.start);
        addBin(copy, b);
        entry.bins.push(copy);
      }
      entry.bins.sort((a, b) => a.start - b.start);
      if (entry.bins.length > DRIFT_BINS_KEPT) entry.bins.splice(0, entry.bins.length - DRIFT_BINS_KEPT);
    }
    for (const m of state.missing) {
      let mine = this.missing.get(m.model);
      if (!mine) { mine = { requests: 0, missing: {} }; this.missing.set(m.model, mine); }
      mine.requests += m.requests;
      for (const [name, n] of Object.entries(m.missing)) mine.missing[name] = (mine.missing[name] ?? 0) + n;
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
function addBin(into: Bin, from: Bin): void {
  into.n += from.n;
  into.sum += from.sum;
  for (let i = 0; i < DECILES; i++) into.deciles[i]! += from.deciles[i] ?? 0;
}

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
