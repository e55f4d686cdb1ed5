/** Public API of @prognos/cds-hooks (the app factory and its building blocks, for tests and tools). */
export { createApp, type AppDependencies } from './app';
export { loadConfig, configSchema, type Config } from './config';
export { createLogger } from './logger';
export { authenticate, type AuthMode } from './auth/authenticate';
export { loadIssuers, issuerSchema, type IssuerConfig } from './auth/issuers';
export { createJwtVerifier, JwtRejection, type JwtVerifier } from './auth/jwt-verifier';
export { MemoryReplayCache, RedisReplayCache, type ReplayCache } from './auth/replay-cache';
export { gatherRecord, type GatheredRecord } from './prefetch/gather-record';
export { renderTemplate } from './prefetch/render-template';
export { ServiceRegistry } from './service-registry';
export { MemoryCardRegistry, RedisCardRegistry, type CardRegistry } from './feedback/card-registry';
export { MemoryFeedbackStore } from './feedback/memory-feedback-store';
export { RedisFeedbackStore } from './feedback/redis-feedback-store';
export type { FeedbackStore, FeedbackRecord, FeedbackSummary } from './feedback/feedback-store';
export { runHook, type HookDependencies, type HookConfig, type RunHookOptions } from './pipeline/run-hook';
export { embeddedEngine } from './pipeline/embedded-engine';
export { parseJsonBody, readJsonBody, parseByteSize } from './http/read-json-body';
