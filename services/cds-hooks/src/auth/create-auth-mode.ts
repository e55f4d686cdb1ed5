/**
 * Chooses JWT or development mode from CDS_ISSUERS_FILE. Development mode logs a loud warning and is
 * refused unless NODE_ENV asks for it explicitly (`development` or `test`, any case): an unset or
 * misspelt NODE_ENV must never turn authentication off. JWT mode needs PUBLIC_BASE_URL (the audience).
 */
import { isDevelopmentEnv, type Config } from '../config';
import type { Logger } from '../logger';
import type { AuthMode } from './authenticate';
import { loadIssuers } from './issuers';
import { createJwtVerifier } from './jwt-verifier';
import type { ReplayCache } from './replay-cache';

export function createAuthMode(config: Config, logger: Logger, replayCache: ReplayCache): AuthMode {
  const issuers = loadIssuers(config.CDS_ISSUERS_FILE);
  if (issuers.length === 0) {
    if (!isDevelopmentEnv(config)) {
      throw new Error(`No trusted CDS clients configured (CDS_ISSUERS_FILE): refusing to start unauthenticated with NODE_ENV=${config.NODE_ENV ?? '(unset)'}; set NODE_ENV=development to run unauthenticated on purpose`);
    }
    logger.warn('************************************************************************');
    logger.warn('DEVELOPMENT MODE: no CDS_ISSUERS_FILE, CDS client JWTs are NOT verified.');
    logger.warn('Anyone who can reach this port can call every CDS service. Never expose it.');
    logger.warn('************************************************************************');
    return { kind: 'development', fhirServers: config.DEV_FHIR_SERVERS };
  }
  if (!config.PUBLIC_BASE_URL) throw new Error('PUBLIC_BASE_URL is required when CDS_ISSUERS_FILE is set (it is the JWT audience)');
  const verifier = createJwtVerifier({
    issuers,
    algorithms: config.JWT_ALGORITHMS,
    clockSkewS: config.JWT_CLOCK_SKEW_S,
    maxAgeS: config.JWT_MAX_AGE_S,
    replayCache,
    jwks: { timeoutMs: config.JWKS_TIMEOUT_MS, cooldownS: config.JWKS_COOLDOWN_S, cacheMaxAgeS: config.JWKS_CACHE_MAX_AGE_S },
  });
  logger.info({ issuers: issuers.length }, 'CDS client JWT verification enabled');
  return { kind: 'jwt', verifier, publicBaseUrl: config.PUBLIC_BASE_URL };
}
