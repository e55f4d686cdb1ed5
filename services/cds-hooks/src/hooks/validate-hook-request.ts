import type { CdsServiceDescriptor } from '@prognos/contracts';
import { badRequest } from '@prognos/contracts';
import { parseOrThrow } from '../http/zod-outcome';
import { checkDraftOrdersPatient } from './check-draft-orders-patient';
import { contextSchemaFor, hookRequestSchema, type HookRequest } from './hook-request-schema';

/** The validated request: common fields plus the hook's typed context. */
export interface ValidHookRequest extends HookRequest {
  context: {
    userId?: string;
    patientId: string;
    encounterId?: string;
    draftOrders?: { resourceType: 'Bundle'; entry?: { resource: { resourceType: string; id?: string } & Record<string, unknown> }[] } & Record<string, unknown>;
    selections?: string[];
  } & Record<string, unknown>;
}

/** Validates a hook call body for `service`; throws 400 OperationOutcome with expression paths. */
export function validateHookRequest(body: unknown, service: CdsServiceDescriptor): ValidHookRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Request body must be a JSON object');
  const request = parseOrThrow(hookRequestSchema, body);
  if (request.hook !== service.hook) {
    throw badRequest(`This service answers the ${service.hook} hook, not ${request.hook}`, ['hook']);
  }
  const context = parseOrThrow(contextSchemaFor(service.hook), request.context, 'context') as ValidHookRequest['context'];
  checkDraftOrdersPatient(context.draftOrders, context.patientId);
  return { ...request, context } as ValidHookRequest;
}
