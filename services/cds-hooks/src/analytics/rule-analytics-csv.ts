/**
 * CSV export of the per-rule analytics (RFC 4180: CRLF line ends, fields quoted when they hold a
 * comma, quote or line break). A cell that starts with =, +, - or @ is prefixed with ' so that a
 * spreadsheet never runs it as a formula (OWASP "CSV injection").
 */
import type { RuleAnalytics } from './rule-analytics';

const HEADER = ['kind', 'services', 'shown', 'accepted', 'overridden', 'ignored', 'pending',
  'acceptance_rate', 'acceptance_ci_low', 'acceptance_ci_high', 'override_rate', 'top_override_reasons'];

function cell(value: string | number | null): string {
  if (value === null) return '';
  let s = typeof value === 'number' ? String(Math.round(value * 10000) / 10000) : value;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function ruleAnalyticsCsv(a: RuleAnalytics): string {
  const lines = [HEADER.join(',')];
  for (const r of a.rules) {
    lines.push([
      r.kind, r.services.join(' '), r.shown, r.accepted, r.overridden, r.ignored, r.pending,
      r.acceptanceRate, r.acceptanceCi?.[0] ?? null, r.acceptanceCi?.[1] ?? null, r.overrideRate,
      r.topOverrideReasons.map((x) => `${x.code}:${x.count}`).join(' '),
    ].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
