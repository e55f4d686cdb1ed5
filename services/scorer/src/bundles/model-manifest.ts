/**
 * The model bundle manifest (manifest.json beside model.onnx): what a model reads, in which units
 * and validated ranges, what it outputs, over which horizon, and where it comes from.
 * Bundled and custom (hospital) bundles share this schema.
 */
import type { ModelInfo } from '@prognos/contracts';
import { z } from 'zod';

const idPattern = /^[a-z0-9][a-z0-9._-]{0,99}$/;

export const manifestInputSchema = z.object({
  /** Feature name in the model's feature set (libs/contracts FEATURE_SETS). */
  name: z.string().min(1),
  /** Unit the model expects; must equal the feature set's canonical unit. */
  unit: z.string().min(1),
  /** Lowest validated value (inclusive unless minExclusive). */
  min: z.number().optional(),
  /** The lower bound itself is invalid (e.g. ACR > 0, which enters a log). */
  minExclusive: z.boolean().optional(),
  /** Highest validated value (inclusive). */
  max: z.number().optional(),
  description: z.string().optional(),
}).strict();

export const manifestOutputSchema = z.object({
  /** ONNX output name and the name used in PredictionRecord.output. */
  name: z.string().min(1),
  description: z.string().min(1),
  /** Prediction horizon of this output, years. */
  horizonYears: z.number().positive().optional(),
  /** For an ONNX output of shape [N, K], the column to read. @defaultValue 0 */
  column: z.number().int().nonnegative().optional(),
}).strict();

export const modelManifestSchema = z.object({
  id: z.string().regex(idPattern, 'lower-case letters, digits, ".", "_" or "-" (max 100)'),
  version: z.string().min(1).max(50),
  title: z.string().min(1).max(120),
  description: z.string().optional(),
  /** Feature set whose vector feeds the model (its rows are built from `inputs`, in that order). */
  featureSet: z.string().min(1),
  featureSetVersion: z.string().min(1),
  /** Name of the ONNX input tensor (float32 [N, inputs.length]). @defaultValue the model's first input */
  inputTensor: z.string().min(1).optional(),
  inputs: z.array(manifestInputSchema).min(1),
  outputs: z.array(manifestOutputSchema).min(1),
  /** The model's (longest) horizon, years. */
  horizonYears: z.number().positive().optional(),
  citation: z.string().min(1),
  doi: z.string().optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  intendedUse: z.string().min(1),
  /** Caveats a reviewer should know (open verification items, unit assumptions...). */
  notes: z.array(z.string()).optional(),
}).strict().superRefine((m, ctx) => {
  const seen = new Set<string>();
  m.inputs.forEach((i, k) => {
    if (seen.has(i.name)) ctx.addIssue({ code: 'custom', message: `duplicate input ${i.name}`, path: ['inputs', k, 'name'] });
    seen.add(i.name);
    if (i.min !== undefined && i.max !== undefined && i.min > i.max) {
      ctx.addIssue({ code: 'custom', message: `min ${i.min} > max ${i.max}`, path: ['inputs', k] });
    }
  });
  const outs = new Set<string>();
  m.outputs.forEach((o, k) => {
    if (outs.has(o.name)) ctx.addIssue({ code: 'custom', message: `duplicate output ${o.name}`, path: ['outputs', k, 'name'] });
    outs.add(o.name);
  });
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
export type ManifestInput = z.infer<typeof manifestInputSchema>;
export type ManifestOutput = z.infer<typeof manifestOutputSchema>;

/** Parses a manifest, throwing an Error whose message lists every problem with its JSON path. */
export function parseModelManifest(json: unknown, where: string): ModelManifest {
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${where}: invalid manifest\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The catalogue view of a manifest (discovery, dashboard). */
export function toModelInfo(m: ModelManifest, origin: ModelInfo['origin'], loadMs?: number): ModelInfo {
  const info: ModelInfo = {
    id: m.id,
    version: m.version,
    title: m.title,
    citation: m.citation,
    inputs: m.inputs.map((i) => ({
      name: i.name,
      unit: i.unit,
      ...(i.min !== undefined ? { min: i.min } : {}),
      ...(i.max !== undefined ? { max: i.max } : {}),
    })),
    outputs: m.outputs.map((o) => o.name),
    intendedUse: m.intendedUse,
    origin,
  };
  if (m.url) info.url = m.url;
  else if (m.doi) info.url = `https://doi.org/${m.doi}`;
  if (m.horizonYears !== undefined) info.horizonYears = m.horizonYears;
  if (loadMs !== undefined) info.loadMs = loadMs;
  return info;
}
