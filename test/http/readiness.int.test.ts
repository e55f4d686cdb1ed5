/**
 * /readyz: 200 while the process gives real cards, 503 when it cannot; a failing dependency that
 * has a fallback (Redis behind feedback, replay cache, card registry) makes it degraded, not unready.
 */
import { startTestApp } from './support/harness';

const readyEngine = {
  mode: 'embedded' as const,
  score: () => Promise.reject(new Error('not used')),
  readiness: async () => ({ ready: true, checks: { 'model:x': { ok: true } } }),
  close: async () => undefined,
};

async function readyz(url: string): Promise<{ status: number; body: { ready: boolean; degraded: boolean; checks: Record<string, { ok: boolean }> } }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: await res.json() as never };
}

describe('GET /readyz', () => {
  it('answers 200, ready and not degraded when the engine and every dependency are fine', async () => {
    const app = await startTestApp({ engine: readyEngine, readinessChecks: async () => ({ redis: { ok: true } }) });
    try {
      expect(await readyz(app.url)).toMatchObject({ status: 200, body: { ready: true, degraded: false } });
    } finally { await app.close(); }
  });

  it('answers 200 but degraded when a dependency with a fallback fails', async () => {
    const app = await startTestApp({ engine: readyEngine, readinessChecks: async () => ({ redis: { ok: false, detail: 'down' } }) });
    try {
      expect(await readyz(app.url)).toMatchObject({ status: 200, body: { ready: true, degraded: true, checks: { redis: { ok: false } } } });
    } finally { await app.close(); }
  });

  it('answers 503 when the engine cannot score, and while draining on shutdown', async () => {
    const unready = { ...readyEngine, readiness: async () => ({ ready: false, checks: {} }) };
    const app = await startTestApp({ engine: unready });
    try {
      expect(await readyz(app.url)).toMatchObject({ status: 503, body: { ready: false } });
    } finally { await app.close(); }
    const lifecycle = { draining: false };
    const draining = await startTestApp({ engine: readyEngine, lifecycle });
    try {
      expect((await readyz(draining.url)).status).toBe(200);
      lifecycle.draining = true;
      expect(await readyz(draining.url)).toMatchObject({ status: 503, body: { ready: false, checks: { shutdown: { ok: false } } } });
    } finally { await draining.close(); }
  });
});
