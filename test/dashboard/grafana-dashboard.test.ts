/**
 * infra/grafana/prognos-dashboard.json: importable (valid JSON, a Prometheus `__inputs` datasource),
 * every query names metrics the services really register, and it shows the same panels as /dashboard.
 */
import fs from 'node:fs';
import path from 'node:path';
import client from 'prom-client';
import '../../services/cds-hooks/src/metrics';
import '../../services/cds-hooks/src/queue/queue-metrics';
import '../../services/scorer/src/metrics';

interface Target { expr: string; datasource: { uid: string } }
interface Panel { id: number; type: string; title: string; gridPos: { x: number; w: number; h: number; y: number }; targets?: Target[]; datasource?: { uid: string } }

const FILE = path.resolve(__dirname, '..', '..', 'infra', 'grafana', 'prognos-dashboard.json');
const dashboard = JSON.parse(fs.readFileSync(FILE, 'utf8')) as {
  __inputs: { name: string; type: string; pluginId: string }[];
  panels: Panel[];
  templating: { list: { name: string }[] };
  uid: string;
};
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

/** Metric names a PromQL expression reads (prognos_* only), histogram suffixes kept. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(prognos_[a-z0-9_]+)\b/g)].map((m) => m[1]!);
}

describe('the Grafana dashboard', () => {
  it('declares a Prometheus datasource input that every panel uses', () => {
    expect(dashboard.__inputs).toContainEqual(expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }));
    for (const p of panels) {
      expect(p.datasource?.uid).toBe('${DS_PROMETHEUS}');
      for (const t of p.targets ?? []) expect(t.datasource.uid).toBe('${DS_PROMETHEUS}');
    }
  });

  it('has unique panel ids and a layout inside the 24-column grid', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
  });

  it('queries only metrics the services register, with histogram suffixes only on histograms', async () => {
    const registered = new Map((await client.register.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
    const used = new Set(exprs.flatMap(metricNames));
    expect(used.size).toBeGreaterThan(15);
    for (const name of used) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      const type = registered.get(name) ?? registered.get(base);
      expect({ name, registered: type !== undefined }).toEqual({ name, registered: true });
      if (name !== base && !registered.has(name)) expect({ name, type }).toEqual({ name, type: 'histogram' });
    }
  });

  it('writes balanced PromQL', () => {
    for (const e of exprs) {
      for (const [open, close] of [['(', ')'], ['{', '}'], ['[', ']']] as const) {
        expect({ e, balanced: e.split(open).length === e.split(close).length }).toEqual({ e, balanced: true });
      }
    }
  });

  it('shows the panels of the service dashboard', () => {
    const all = exprs.join('\n');
    for (const q of ['0.5', '0.95', '0.99']) expect(all).toContain(`histogram_quantile(${q}, sum by (le) (rate(prognos_stage_duration_seconds_bucket`);
    expect(all).toMatch(/sum by \(service\) \(rate\(prognos_hook_requests_total/);
    expect(all).toMatch(/status!~"2\.\.\|3\.\."/);
    expect(all).toContain('rate(prognos_inference_rows_total[$__rate_interval])) / sum by (model, provider) (rate(prognos_inference_runs_total');
    for (const metric of ['prognos_queue_depth', 'prognos_workers_online', 'prognos_model_info', 'prognos_cards_total',
      'prognos_feedback_total', 'prognos_feedback_override_reasons_total', 'prognos_data_quality_exclusions_total',
      'prognos_jwt_rejections_total', 'prognos_batch_size_bucket']) {
      expect(all).toContain(metric);
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(expect.arrayContaining(['service', 'stage']));
  });
});
