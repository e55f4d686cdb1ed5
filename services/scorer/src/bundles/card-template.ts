/**
 * The tiny template language of card policies: `{{name}}` or `{{name|filter}}`.
 *   names:   output (the policy's output value), outputs.<output name>, model.title, model.id,
 *            model.version, model.citation, service.title, threshold (the matched threshold value)
 *   filters: percent ("23%", one decimal under 10%), percent1 ("23.4%"), number ("0.234"; 3 decimals)
 * Templates are checked when the policy loads, so a typo fails the bundle, not a request.
 */
const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_.-]+)\s*(?:\|\s*([a-z0-9]+)\s*)?\}\}/g;
export const TEMPLATE_FILTERS = ['percent', 'percent1', 'number'] as const;
type Filter = (typeof TEMPLATE_FILTERS)[number];

export type TemplateValues = Record<string, string | number | undefined>;

/** Problems in a template given the names it may use; [] when fine. */
export function checkTemplate(template: string, allowedNames: readonly string[]): string[] {
  const problems: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const [, name, filter] = match;
    if (!allowedNames.includes(name!)) problems.push(`unknown placeholder '${name}' (allowed: ${allowedNames.join(', ')})`);
    if (filter !== undefined && !(TEMPLATE_FILTERS as readonly string[]).includes(filter)) {
      problems.push(`unknown filter '${filter}' (allowed: ${TEMPLATE_FILTERS.join(', ')})`);
    }
  }
  const stripped = template.replace(PLACEHOLDER, '');
  if (stripped.includes('{{') || stripped.includes('}}')) problems.push('unbalanced or malformed {{ }} placeholder');
  return problems;
}

export function formatPercent(p: number, decimals?: number): string {
  const pct = p * 100;
  const d = decimals ?? (pct < 10 ? 1 : 0);
  return `${pct.toFixed(d)}%`;
}

function applyFilter(v: string | number, filter: Filter | undefined): string {
  if (typeof v === 'string' || filter === undefined) return typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : v;
  if (filter === 'percent') return formatPercent(v);
  if (filter === 'percent1') return formatPercent(v, 1);
  return v.toFixed(3);
}

/** Renders a (checked) template; a value absent at render time becomes '–'. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_m, name: string, filter: string | undefined) => {
    const v = values[name];
    return v === undefined ? '–' : applyFilter(v, filter as Filter | undefined);
  });
}
