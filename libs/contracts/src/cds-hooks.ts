/**
 * CDS Hooks 2.0 wire types and runtime schemas (https://cds-hooks.hl7.org/2.0/).
 * Both services validate what they send and receive against these schemas.
 */
import { z } from 'zod';

/** §Data Types: Coding. `display` is conditional (required in overrideReasons). */
export const codingSchema = z.object({
  system: z.string().min(1),
  code: z.string().min(1),
  display: z.string().min(1).optional(),
});
export type Coding = z.infer<typeof codingSchema>;

export const sourceSchema = z.object({
  label: z.string().min(1),
  url: z.url().optional(),
  icon: z.url().optional(),
  topic: codingSchema.optional(),
});
export type Source = z.infer<typeof sourceSchema>;

export const actionSchema = z.object({
  type: z.enum(['create', 'update', 'delete']),
  description: z.string().min(1),
  resource: z.record(z.string(), z.unknown()).optional(),
  resourceId: z.string().min(1).optional(),
});
export type Action = z.infer<typeof actionSchema>;

export const suggestionSchema = z.object({
  label: z.string().min(1),
  uuid: z.uuid().optional(),
  isRecommended: z.boolean().optional(),
  actions: z.array(actionSchema).min(1).optional(),
});
export type Suggestion = z.infer<typeof suggestionSchema>;

export const linkSchema = z.object({
  label: z.string().min(1),
  url: z.url(),
  type: z.enum(['absolute', 'smart']),
  appContext: z.string().min(1).optional(),
  autolaunchable: z.boolean().optional(),
});
export type Link = z.infer<typeof linkSchema>;

export const overrideReasonCodingSchema = codingSchema.extend({ display: z.string().min(1) });

export const cardSchema = z.object({
  uuid: z.uuid().optional(),
  /** "<140-character summary" (§Card Attributes). */
  summary: z.string().min(1).max(139),
  detail: z.string().min(1).optional(),
  indicator: z.enum(['info', 'warning', 'critical']),
  source: sourceSchema,
  suggestions: z.array(suggestionSchema).min(1).optional(),
  selectionBehavior: z.enum(['at-most-one', 'any']).optional(),
  overrideReasons: z.array(overrideReasonCodingSchema).min(1).optional(),
  links: z.array(linkSchema).min(1).optional(),
}).refine((c) => !c.suggestions || c.selectionBehavior !== undefined, {
  message: 'selectionBehavior is required when suggestions are present',
  path: ['selectionBehavior'],
});
export type Card = z.infer<typeof cardSchema>;

export const cdsResponseSchema = z.object({
  cards: z.array(cardSchema),
  systemActions: z.array(actionSchema).min(1).optional(),
});
export type CdsResponse = z.infer<typeof cdsResponseSchema>;

/** §Discovery: one entry of `{ services: [...] }`. */
export interface CdsServiceDiscoveryEntry {
  hook: string;
  title?: string;
  description: string;
  id: string;
  prefetch?: Record<string, string>;
  usageRequirements?: string;
}

export const fhirAuthorizationSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().nonnegative(),
  scope: z.string().min(1),
  subject: z.string().min(1),
  patient: z.string().min(1).optional(),
});
export type FhirAuthorization = z.infer<typeof fhirAuthorizationSchema>;

/**
 * Bounds on a feedback request (400 beyond): a hostile client cannot make the service store or
 * count large values. `card` must be a uuid (the service only issues uuids).
 */
export const FEEDBACK_LIMITS = {
  /** Items per request. */
  items: 100,
  /** acceptedSuggestions per item (a card carries a handful). */
  acceptedSuggestions: 50,
  /** Characters of a suggestion id, a coding system, code or display. */
  id: 128, system: 256, code: 128, display: 256,
  /** Characters of a user comment (read for presence only, never stored). */
  userComment: 4000,
} as const;

/** Feedback (§Feedback). */
export const feedbackItemSchema = z.object({
  card: z.uuid(),
  outcome: z.enum(['accepted', 'overridden']),
  acceptedSuggestions: z.array(z.object({ id: z.string().min(1).max(FEEDBACK_LIMITS.id) }))
    .min(1).max(FEEDBACK_LIMITS.acceptedSuggestions).optional(),
  overrideReason: z.object({
    reason: z.object({
      system: z.string().min(1).max(FEEDBACK_LIMITS.system),
      code: z.string().min(1).max(FEEDBACK_LIMITS.code),
      display: z.string().min(1).max(FEEDBACK_LIMITS.display).optional(),
    }).optional(),
    userComment: z.string().min(1).max(FEEDBACK_LIMITS.userComment).optional(),
  }).optional(),
  outcomeTimestamp: z.iso.datetime({ offset: true }),
}).refine((f) => f.outcome !== 'accepted' || (f.acceptedSuggestions?.length ?? 0) > 0, {
  message: 'acceptedSuggestions is required when outcome is accepted',
  path: ['acceptedSuggestions'],
});
export type FeedbackItem = z.infer<typeof feedbackItemSchema>;
export const feedbackRequestSchema = z.object({ feedback: z.array(feedbackItemSchema).min(1).max(FEEDBACK_LIMITS.items) });
