/**
 * Walks whatever the caller has (a Bundle of any type, one resource, an array, or a CDS Hooks
 * prefetch object of key -> Bundle | resource | null | OperationOutcome) and sorts the resources we
 * use by type. Iterative with a depth limit and a resource cap, so hostile nesting or huge arrays
 * cannot blow the stack or the time budget; never throws.
 */
import { asArray, asObject, asString, own, type Json } from './fhir-read';

/** Containers (Bundle in Bundle, prefetch map, arrays) nested deeper than this are ignored. */
export const MAX_CONTAINER_DEPTH = 8;
/** Resources beyond this many are not examined (counted as 'resource_limit'). */
export const MAX_RESOURCES = 250_000;

export interface CollectedRecord {
  patients: Json[];
  observations: Json[];
  conditions: Json[];
  medicationRequests: Json[];
  medicationStatements: Json[];
  /** MedicationDispense resources (pharmacy records: Cerner and Epic expose them). */
  medicationDispenses: Json[];
  procedures: Json[];
  /** AllergyIntolerance resources (clinical safety screening). */
  allergies: Json[];
  /** Medication resources by 'Medication/<id>' and by Bundle fullUrl, for medicationReference. */
  medications: Map<string, Json>;
  /** Resources examined (Bundles and OperationOutcomes excluded). */
  seen: number;
  excluded: Record<string, number>;
}

function bump(excluded: Record<string, number>, reason: string, n = 1): void {
  excluded[reason] = (excluded[reason] ?? 0) + n;
}

interface Frame {
  node: unknown;
  depth: number;
  fullUrl?: string;
  /** A value where a resource is required (Bundle entry, array element): anything else is malformed. */
  mustBeResource: boolean;
}

export function collectResources(record: unknown): CollectedRecord {
  const out: CollectedRecord = {
    patients: [], observations: [], conditions: [], medicationRequests: [], medicationStatements: [], medicationDispenses: [], procedures: [], allergies: [],
    medications: new Map(), seen: 0, excluded: {},
  };
  // Per-type id sets: no string concatenation per resource.
  const ids = new Map<string, Set<string>>();
  const stack: Frame[] = [{ node: record, depth: 0, mustBeResource: false }];
  while (stack.length > 0) {
    const { node, depth, fullUrl, mustBeResource } = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (Array.isArray(node)) {
      if (depth >= MAX_CONTAINER_DEPTH) { bump(out.excluded, 'nesting_too_deep'); continue; }
      // Push in reverse so resources are examined in document order.
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], depth: depth + 1, mustBeResource: true });
      continue;
    }
    const obj = asObject(node);
    if (!obj) {
      if (mustBeResource) bump(out.excluded, 'malformed_resource');
      continue;
    }
    const rt = own(obj, 'resourceType');
    if (rt === undefined) {
      if (mustBeResource || depth > 0) { bump(out.excluded, 'malformed_resource'); continue; }
      // A prefetch object: its values are Bundles, resources or null.
      for (const key of Object.keys(obj)) stack.push({ node: obj[key], depth: depth + 1, mustBeResource: false });
      continue;
    }
    if (typeof rt !== 'string') { bump(out.excluded, 'malformed_resource'); continue; }
    if (rt === 'Bundle') {
      if (depth >= MAX_CONTAINER_DEPTH) { bump(out.excluded, 'nesting_too_deep'); continue; }
      const entries = own(obj, 'entry');
      if (entries === undefined) continue;
      const list = asArray(entries);
      if (!list) { bump(out.excluded, 'malformed_resource'); continue; }
      for (let i = list.length - 1; i >= 0; i--) {
        const e = asObject(list[i]);
        if (!e) { bump(out.excluded, 'malformed_resource'); continue; }
        const res = own(e, 'resource');
        // Transaction / batch-response entries may lack a resource (e.g. DELETE): nothing to read.
        if (res === undefined) continue;
        stack.push({ node: res, depth: depth + 1, fullUrl: asString(own(e, 'fullUrl')), mustBeResource: true });
      }
      continue;
    }
    if (rt === 'OperationOutcome') continue; // a failed prefetch query: no clinical data
    if (out.seen >= MAX_RESOURCES) { bump(out.excluded, 'resource_limit'); continue; }
    out.seen++;
    const id = asString(own(obj, 'id'));
    if (id !== undefined) {
      let typeIds = ids.get(rt);
      if (!typeIds) { typeIds = new Set(); ids.set(rt, typeIds); }
      // The same resource often arrives under two prefetch keys; read it once.
      if (typeIds.has(id)) { bump(out.excluded, 'duplicate_resource'); continue; }
      typeIds.add(id);
    }
    switch (rt) {
      case 'Observation': out.observations.push(obj); break;
      case 'Condition': out.conditions.push(obj); break;
      case 'MedicationRequest': out.medicationRequests.push(obj); break;
      case 'MedicationStatement': out.medicationStatements.push(obj); break;
      case 'MedicationDispense': out.medicationDispenses.push(obj); break;
      case 'Procedure': out.procedures.push(obj); break;
      case 'Patient': out.patients.push(obj); break;
      case 'AllergyIntolerance': out.allergies.push(obj); break;
      case 'Medication':
        if (id !== undefined) out.medications.set('Medication/' + id, obj);
        if (fullUrl !== undefined) out.medications.set(fullUrl, obj);
        break;
      default: break; // types we do not use
    }
  }
  return out;
}
