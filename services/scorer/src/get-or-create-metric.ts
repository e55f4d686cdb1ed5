import client from 'prom-client';

/**
 * The metric registered under `name` in prom-client's default registry, or a new one from `create`.
 * prom-client throws on a second registration of a name, which happens when a module is loaded
 * twice (jest's per-file module registry, or the HTTP service and the scorer in one process).
 */
export function getOrCreateMetric<T>(name: string, create: () => T): T {
  return (client.register.getSingleMetric(name) as T | undefined) ?? create();
}
