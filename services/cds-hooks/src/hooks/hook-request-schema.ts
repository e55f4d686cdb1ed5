/**
 * CDS Hooks 2.0 request validation (§Calling a CDS Service) with per-hook context rules from the
 * HL7 CDS Hooks Library (patient-view, order-select, order-sign, encounter-start,
 * encounter-discharge; CDSHook*Context.fsh). Unknown hooks get the common fields only.
 */
import { fhirAuthorizationSchema } from '@prognos/contracts';
import { z } from 'zod';

/** FHIR id (R4 `id` datatype): 1-64 of [A-Za-z0-9-.]. Also keeps tokens URL-safe. */
export const fhirIdSchema = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'must be a FHIR id ([A-Za-z0-9-.]{1,64})');
const USER_TYPES = ['Practitioner', 'PractitionerRole', 'Patient', 'RelatedPerson'] as const;
/** context.userId: `ResourceType/id`. */
export const userIdSchema = z.string().regex(
  new RegExp(`^(${USER_TYPES.join('|')})/[A-Za-z0-9\\-.]{1,64}$`),
  'must be Practitioner/<id>, PractitionerRole/<id>, Patient/<id> or RelatedPerson/<id>',
);
const typedRefSchema = z.string().regex(/^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/, 'must be ResourceType/id');

/** A FHIR Bundle as CDS Hooks carries draft orders: entries with resources. */
export const draftBundleSchema = z.looseObject({
  resourceType: z.literal('Bundle'),
  type: z.string().min(1).optional(),
  entry: z.array(z.looseObject({
    resource: z.looseObject({ resourceType: z.string().min(1), id: z.string().min(1).optional() }),
  })).optional(),
});

const baseContext = { userId: userIdSchema, patientId: fhirIdSchema, encounterId: fhirIdSchema.optional() };

export const contextSchemas: Record<string, z.ZodType> = {
  'patient-view': z.looseObject(baseContext),
  'order-sign': z.looseObject({ ...baseContext, draftOrders: draftBundleSchema }),
  'order-select': z.looseObject({
    ...baseContext,
    draftOrders: draftBundleSchema,
    selections: z.array(typedRefSchema).min(1),
  }).superRefine((ctx, issues) => {
    const present = new Set((ctx.draftOrders.entry ?? []).map((e) => `${e.resource.resourceType}/${e.resource.id}`));
    ctx.selections.forEach((s, i) => {
      if (!present.has(s)) issues.addIssue({ code: 'custom', path: ['selections', i], message: `${s} is not in draftOrders` });
    });
  }),
  'encounter-start': z.looseObject({ ...baseContext, encounterId: fhirIdSchema }),
  'encounter-discharge': z.looseObject({ ...baseContext, encounterId: fhirIdSchema }),
};

const genericContext = z.looseObject({ patientId: fhirIdSchema });

/** A prefetch value: a FHIR resource (object with resourceType) or null (no data). */
const prefetchValueSchema = z.union([z.null(), z.looseObject({ resourceType: z.string().min(1) })]);

export const hookRequestSchema = z.object({
  hook: z.string().min(1),
  hookInstance: z.uuid(),
  fhirServer: z.url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL').optional(),
  fhirAuthorization: fhirAuthorizationSchema.optional(),
  context: z.record(z.string(), z.unknown()),
  prefetch: z.record(z.string(), prefetchValueSchema).optional(),
  extension: z.record(z.string(), z.unknown()).optional(),
}).refine((r) => !r.fhirAuthorization || r.fhirServer !== undefined, {
  // cds-r-1: fhirAuthorization.exists() implies fhirServer.exists()
  message: 'fhirServer is required when fhirAuthorization is present',
  path: ['fhirServer'],
});

export type HookRequest = z.infer<typeof hookRequestSchema>;

/** The context schema for a hook (common fields for hooks this service does not model). */
export function contextSchemaFor(hook: string): z.ZodType {
  return contextSchemas[hook] ?? genericContext;
}
