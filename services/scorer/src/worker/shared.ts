/**
 * The part of the worker protocol the HTTP process needs (re-exported by @prognos/scorer): job
 * schema, failure reasons, heartbeat keys and reader, Redis options and configuration check.
 * Kept apart from the worker itself so that importing it registers no worker metrics.
 */
export * from './protocol';
export * from './heartbeat';
export * from './result-signature';
