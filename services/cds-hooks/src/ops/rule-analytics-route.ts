/**
 * GET /api/feedback/rules (JSON) and /api/feedback/rules.csv (or ?format=csv): the per-rule
 * feedback analytics (analytics/rule-analytics.ts), operator credential required.
 * Query: `days` (1..366, default 30) of cards shown, `bucket` ('day' | 'hour') for the trend,
 * `ignoredAfterH` (default FEEDBACK_IGNORED_AFTER_H) for the "ignored" window. Bad values are a 400
 * OperationOutcome, never a silent default.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { operationOutcome } from '@prognos/contracts';
import { computeRuleAnalytics } from '../analytics/rule-analytics';
import { ruleAnalyticsCsv } from '../analytics/rule-analytics-csv';
import type { OpsDependencies } from './ops-dependencies';
import { withTimeout } from './queue-stats';

const querySchema = z.object({
  days: z.coerce.number().min(1 / 24).max(366).default(30),
  bucket: z.enum(['day', 'hour']).default('day'),
  ignoredAfterH: z.coerce.number().min(0).max(24 * 90).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

/** Analytics reads may cover many records; bounded so a slow Redis never hangs the page. */
const READ_TIMEOUT_MS = 5000;

export function ruleAnalyticsHandler(deps: OpsDependencies, csvPath: boolean) {
  return async (req: Request, res: Response): Promise<void> => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) {
      res.status(400).type('application/fhir+json').json(operationOutcome('error', 'invalid',
        'Query parameters: days (1/24..366), bucket (day|hour), ignoredAfterH (0..2160), format (json|csv)'));
      return;
    }
    const q = parsed.data;
    const now = Date.now();
    const sinceMs = now - q.days * 86_400_000;
    const configured = (deps.config as { FEEDBACK_IGNORED_AFTER_H?: number }).FEEDBACK_IGNORED_AFTER_H ?? 24;
    const ignoredAfterMs = (q.ignoredAfterH ?? configured) * 3_600_000;
    const shown = deps.analytics ? await withTimeout(deps.analytics.shown(sinceMs), READ_TIMEOUT_MS, 'shown-card log') : [];
    const feedback = deps.analytics ? await withTimeout(deps.analytics.feedback(shown), READ_TIMEOUT_MS, 'feedback store') : [];
    const analytics = computeRuleAnalytics(shown, feedback, { now, sinceMs, ignoredAfterMs, bucket: q.bucket });
    res.setHeader('Cache-Control', 'no-store');
    if (csvPath || q.format === 'csv') {
      res.setHeader('Content-Disposition', `attachment; filename="prognos-rule-feedback-${new Date(now).toISOString().slice(0, 10)}.csv"`);
      res.type('text/csv; charset=utf-8').send(ruleAnalyticsCsv(analytics));
      return;
    }
    res.json(analytics);
  };
}
