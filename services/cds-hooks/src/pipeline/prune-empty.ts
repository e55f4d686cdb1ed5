/**
 * CDS Hooks §Use of JSON: no `null`, `""`, `[]` or `{}` anywhere unless stated. Removes them
 * recursively (an object that becomes empty is removed too).
 */
export function pruneEmpty<T>(value: T): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return (value.length > 0 ? value : undefined) as T | undefined;
  if (typeof value === 'number') return (Number.isFinite(value) ? value : undefined) as T | undefined;
  if (Array.isArray(value)) {
    const out = value.map((v) => pruneEmpty(v)).filter((v) => v !== undefined);
    return (out.length > 0 ? out : undefined) as T | undefined;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = pruneEmpty(v);
      if (p !== undefined) out[k] = p;
    }
    return (Object.keys(out).length > 0 ? out : undefined) as T | undefined;
  }
  return value;
}
