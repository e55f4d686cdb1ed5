/**
 * The CDS services this deployment answers, from the scorer's descriptors (built-in and custom).
 * Discovery is generated from it; an id may appear once per hook (§Discovery, update stale guidance).
 */
import type { CdsServiceDescriptor, CdsServiceDiscoveryEntry } from '@prognos/contracts';

export class ServiceRegistry {
  private readonly byId = new Map<string, CdsServiceDescriptor[]>();

  constructor(private readonly descriptors: readonly CdsServiceDescriptor[]) {
    for (const d of descriptors) {
      const list = this.byId.get(d.id) ?? [];
      if (list.some((x) => x.hook === d.hook)) throw new Error(`duplicate CDS service ${d.id} for hook ${d.hook}`);
      list.push(d);
      this.byId.set(d.id, list);
    }
  }

  list(): readonly CdsServiceDescriptor[] { return this.descriptors; }

  has(id: string): boolean { return this.byId.has(id); }

  /** The descriptor for `id`, preferring the one for `hook` when the id serves several hooks. */
  find(id: string, hook?: unknown): CdsServiceDescriptor | undefined {
    const list = this.byId.get(id);
    if (!list) return undefined;
    return list.find((d) => d.hook === hook) ?? list[0];
  }

  /** `GET /cds-services` body. Optional fields are omitted, never empty (§Use of JSON). */
  discovery(): { services: CdsServiceDiscoveryEntry[] } {
    return {
      services: this.descriptors.map((d) => {
        const entry: CdsServiceDiscoveryEntry = { hook: d.hook, title: d.title, description: d.description, id: d.id };
        if (Object.keys(d.prefetch).length > 0) entry.prefetch = { ...d.prefetch };
        if (d.requiredPrefetch.length > 0) {
          entry.usageRequirements = `Needs prefetch ${d.requiredPrefetch.map((k) => `'${k}'`).join(', ')} `
            + 'or access to the FHIR server (fhirServer with fhirAuthorization); otherwise the call is answered 412.';
        }
        return entry;
      }),
    };
  }
}
