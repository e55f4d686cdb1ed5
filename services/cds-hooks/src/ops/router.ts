/**
 * PLACEHOLDER: operations routes (/metrics, /dashboard, /api/dashboard/*, /admin/queues).
 * The dashboard work replaces this body; the app mounts the router at '/'.
 */
import { Router } from 'express';
import type { OpsDependencies } from './ops-dependencies';

export function createOpsRouter(_deps: OpsDependencies): Router {
  return Router();
}
