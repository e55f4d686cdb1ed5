/**
 * Refuses request bodies nested deeper than a bound (400 OperationOutcome). Everything downstream
 * that walks a request (binding references into draft orders, pruning, schema checks) recurses; a
 * draft order nested 10,000 deep would otherwise overflow the stack. FHIR resources are shallow
 * (a MedicationRequest with dosage and contained Medication stays under 15 levels), so the default
 * bound (MAX_JSON_DEPTH, 64) leaves ample room.
 */
import type { RequestHandler } from 'express';
import { badRequest } from '@prognos/contracts';

/**
 * true when a JSON value nests deeper than `limit` objects/arrays. Walked iteratively (it cannot
 * overflow the stack itself) and stops at the first path beyond the limit.
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > limit) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push({ v: c, d: d + 1 });
  }
  return false;
}

/** Express middleware (after the JSON body parser): 400 when the body nests deeper than `maxDepth`. */
export function limitJsonDepth(maxDepth: number): RequestHandler {
  return (req, _res, next) => {
    if (req.body !== undefined && jsonDepthExceeds(req.body, maxDepth)) {
      next(badRequest(`Request body nests deeper than ${maxDepth} levels (MAX_JSON_DEPTH)`));
      return;
    }
    next();
  };
}
