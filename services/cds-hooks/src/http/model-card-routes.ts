/**
 * GET /models/{id}/card: the model card (MODEL_CARD.md) of a learned model, as text/markdown, for
 * the link on its CDS card and on the dashboard. Model cards describe a model (data, intended use,
 * metrics, limits) and hold no patient data, so the route needs no credential, like /healthz.
 * Unknown ids answer 404 with an OperationOutcome.
 */
import fs from 'node:fs';
import { Router, type Request } from 'express';
import { sendOutcome } from './send-outcome';

export function createModelCardRoutes(cards: ReadonlyMap<string, string>): Router {
  const router = Router();
  router.get('/models/:id/card', (req: Request<{ id: string }>, res) => {
    const file = cards.get(req.params.id);
    let text: string | undefined;
    try { text = file ? fs.readFileSync(file, 'utf8') : undefined; } catch { text = undefined; }
    if (text === undefined) {
      sendOutcome(res, 404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'no model card for this model id' }] });
      return;
    }
    res.type('text/markdown; charset=utf-8').send(text);
  });
  return router;
}
