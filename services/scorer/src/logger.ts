/**
 * The scorer's logger. It logs model, provider and timing facts only: never feature values,
 * predictions or anything derived from a patient.
 */
import pino, { type Logger } from 'pino';

export type ScorerLogger = Logger;

/** Default logger (level from LOG_LEVEL, @defaultValue 'info'). */
export function createScorerLogger(level: string = process.env.LOG_LEVEL ?? 'info'): ScorerLogger {
  return pino({ name: 'prognos-scorer', level });
}
