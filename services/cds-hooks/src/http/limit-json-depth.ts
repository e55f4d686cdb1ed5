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
 * true when a JSON value nests deeper than `limit` objects/arrays. Recursive but bounded: it never
 * descends more than `limit` + 1 levels, so it cannot overflow the stack, and it allocates nothing
 * per node (the earlier iterative walk pushed an object and an `Object.values` array per node and
 * cost about as much as parsing the body).
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  return exceeds(value, limit + 1);
}

function exceeds(v: unknown, left: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (left === 1) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const c: unknown = v[i];
      if (c !== null && typeof c === 'object' && exceeds(c, left - 1)) return true;
    }
    return false;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const c = o[k];
    if (c !== null && typeof c === 'object' && exceeds(c, left - 1)) return true;
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
