/**
 * Trusted CDS clients (CDS_ISSUERS_FILE): who may call, with which keys, and which FHIR servers the
 * service may call on their behalf. An empty or absent file means development mode.
 */
import fs from 'node:fs';
import { z } from 'zod';

const baseUrl = z.url().refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');

const jwkSchema = z.looseObject({ kty: z.string().min(1), kid: z.string().min(1).optional() });

export const issuerSchema = z.object({
  /** JWT `iss`, compared exactly. */
  iss: z.string().min(1),
  /** JWK Set URL, fetched and cached (rotation on unknown kid). */
  jwks_uri: baseUrl.optional(),
  /** Inline JWK Set (keys exchanged out of band). */
  jwks: z.object({ keys: z.array(jwkSchema).min(1) }).optional(),
  /** JWK Set URLs the client may name in its `jku` header; any other `jku` is rejected. */
  jku: z.array(baseUrl).default([]),
  /** FHIR server base URLs this client's requests may make the service call. */
  fhirServers: z.array(baseUrl).default([]),
  /** When set, the JWT `tenant` claim must be one of these. */
  tenant: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
}).strict().refine((i) => i.jwks_uri || i.jwks || i.jku.length > 0, {
  message: 'one of jwks_uri, jwks or jku is required',
});

export type IssuerConfig = z.infer<typeof issuerSchema>;

export const issuersFileSchema = z.array(issuerSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((i, n) => {
    if (seen.has(i.iss)) ctx.addIssue({ code: 'custom', message: `duplicate iss ${i.iss}`, path: [n, 'iss'] });
    seen.add(i.iss);
  });
});

/** Reads and validates the issuers file; [] when no file is configured. Throws a readable error. */
export function loadIssuers(file: string | undefined): IssuerConfig[] {
  if (!file) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`CDS_ISSUERS_FILE ${file}: ${(e as Error).message}`);
  }
  const parsed = issuersFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`CDS_ISSUERS_FILE ${file} is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
