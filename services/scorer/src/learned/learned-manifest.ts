/**
 * The manifest of a learned model bundle (`"kind": "learned"`): a sequence model trained in this
 * repository (`npm run train`) or by a hospital on its own Bulk Data export. It reads a sequence
 * set (SEQUENCE_SETS in contracts) instead of a flat feature set, so it has its own schema; the
 * bundle folder holds model.onnx, manifest.json, MODEL_CARD.md and reference.json (inputs and
 * the outputs PyTorch gave for them, which a test checks the committed ONNX still reproduces).
 */
import { SEQUENCE_SETS, sequenceChannelNames, type SequenceSetDefinition } from '@prognos/contracts';
import { z } from 'zod';

/** What a model trained on simulated records must say wherever its numbers are shown. */
export const SYNTHETIC_STATEMENT = 'trained on synthetic data, not validated for clinical use';

export const learnedManifestSchema = z.object({
  kind: z.literal('learned'),
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/),
  version: z.string().min(1).max(50),
  title: z.string().min(1).max(120),
  description: z.string().optional(),
  sequenceSet: z.string().min(1),
  sequenceSetVersion: z.string().min(1),
  /** ONNX input tensor names. */
  tensors: z.object({ seq: z.string(), mask: z.string(), static: z.string(), staticPresent: z.string() }).strict(),
  /** Step channel and static names in order (must equal the sequence set's). */
  channels: z.array(z.string()).min(1),
  statics: z.array(z.string()),
  outputs: z.array(z.object({ name: z.string().min(1), description: z.string().min(1), horizonYears: z.number().positive() }).strict()).min(1),
  horizonYears: z.number().positive(),
  /** 'synthetic': trained on simulated records (the card then carries SYNTHETIC_STATEMENT). */
  trainedOn: z.enum(['synthetic', 'local']),
  statement: z.string().min(1),
  intendedUse: z.string().min(1),
  citation: z.string().min(1),
  modelCard: z.string().min(1),
  /** Headline evaluation numbers (test split, beside KFRE), copied from metrics.json. */
  metrics: z.record(z.string(), z.unknown()).optional(),
  training: z.record(z.string(), z.unknown()).optional(),
}).strict();

export type LearnedManifest = z.infer<typeof learnedManifestSchema>;

/** Problems between a learned manifest and the sequence contract; empty when compatible. */
export function checkLearnedManifest(m: LearnedManifest): string[] {
  const def = (SEQUENCE_SETS as Record<string, SequenceSetDefinition>)[m.sequenceSet];
  if (!def) return [`sequenceSet '${m.sequenceSet}' is not a known sequence set (${Object.keys(SEQUENCE_SETS).join(', ')})`];
  const problems: string[] = [];
  if (def.version !== m.sequenceSetVersion) problems.push(`sequenceSetVersion ${m.sequenceSetVersion} does not match '${def.name}' version ${def.version}`);
  const channels = sequenceChannelNames(def);
  if (channels.join(',') !== m.channels.join(',')) problems.push(`channels [${m.channels.join(', ')}] differ from the set's [${channels.join(', ')}]`);
  const statics = def.statics.map((s) => s.name);
  if (statics.join(',') !== m.statics.join(',')) problems.push(`statics [${m.statics.join(', ')}] differ from the set's [${statics.join(', ')}]`);
  if (m.trainedOn === 'synthetic' && !m.statement.toLowerCase().includes(SYNTHETIC_STATEMENT)) problems.push(`a model trained on synthetic data must state '${SYNTHETIC_STATEMENT}'`);
  return problems;
}

export function parseLearnedManifest(json: unknown, where: string): LearnedManifest {
  const parsed = learnedManifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${where}: invalid learned-model manifest\n${z.prettifyError(parsed.error)}`);
  const problems = checkLearnedManifest(parsed.data);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return parsed.data;
}

/** true when a parsed manifest.json declares a learned model (it is then not a flat-feature bundle). */
export function isLearnedManifestJson(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === 'learned';
}
