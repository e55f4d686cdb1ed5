/**
 * Verifies the CDS client's JWT (CDS Hooks 2.0 §Trusting CDS Clients; cds-hooks.org best practices):
 * header alg in the allowlist (never `none` or HMAC), typ JWT, kid present; iss allowlisted; jku only
 * when allowlisted for that issuer; signature against the issuer's keys (inline JWKS, jwks_uri or the
 * allowlisted jku, cached, refetched on unknown kid after a cooldown); aud equal to the endpoint URL;
 * exp / iat with a small skew and a maximum lifetime; jti not seen before; tenant when configured.
 * Every failure is a JwtRejection with a reason code (for metrics); callers answer 401 without detail.
 */
import {
  createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify,
  type JWTPayload, type JWTVerifyGetKey,
} from 'jose';
import type { IssuerConfig } from './issuers';
import type { ReplayCache } from './replay-cache';

export type JwtRejectionReason =
  | 'missing' | 'malformed' | 'alg' | 'typ' | 'kid' | 'iss' | 'jku' | 'signature' | 'aud' | 'expired'
  | 'iat' | 'nbf' | 'lifetime' | 'claims' | 'tenant' | 'replay' | 'jwks_unavailable';

export class JwtRejection extends Error {
  constructor(readonly reason: JwtRejectionReason) {
    super(`JWT rejected: ${reason}`);
    this.name = 'JwtRejection';
  }
}

/** What a verified token tells the rest of the service. */
export interface VerifiedClient {
  iss: string;
  tenant?: string;
  /** FHIR servers this client's requests may make the service call. */
  fhirServers: string[];
}

export interface JwtVerifierOptions {
  issuers: IssuerConfig[];
  /** Accepted `alg` values. @defaultValue ['ES384', 'RS384'] */
  algorithms: string[];
  /** Tolerance for exp / iat / nbf, seconds. */
  clockSkewS: number;
  /** Maximum exp - iat and maximum token age, seconds; also the jti retention. */
  maxAgeS: number;
  replayCache: ReplayCache;
  jwks: { timeoutMs: number; cooldownS: number; cacheMaxAgeS: number };
  /** Clock for tests. */
  now?: () => Date;
}

export interface JwtVerifier {
  /** Resolves with the client, or rejects with a JwtRejection. `audience` is the full endpoint URL. */
  verify(token: string | undefined, audience: string): Promise<VerifiedClient>;
}

const FORBIDDEN_ALG = /^(none|HS\d+)$/i;

/** Throws at startup when the algorithm list contains `none` or a symmetric algorithm. */
export function assertSafeAlgorithms(algorithms: string[]): void {
  const bad = algorithms.filter((a) => FORBIDDEN_ALG.test(a));
  if (bad.length > 0 || algorithms.length === 0) {
    throw new Error(`JWT_ALGORITHMS must list asymmetric algorithms only (rejected: ${bad.join(', ') || 'empty list'})`);
  }
}

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  assertSafeAlgorithms(options.algorithms);
  const algorithms = new Set(options.algorithms);
  const byIss = new Map(options.issuers.map((i) => [i.iss, i]));
  const locals = new Map(options.issuers.filter((i) => i.jwks).map((i) => [i.iss, createLocalJWKSet(i.jwks as never)]));
  const remotes = new Map<string, JWTVerifyGetKey>();
  const now = options.now ?? (() => new Date());

  const remote = (url: string): JWTVerifyGetKey => {
    let set = remotes.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), {
        timeoutDuration: options.jwks.timeoutMs,
        cooldownDuration: options.jwks.cooldownS * 1000,
        cacheMaxAge: options.jwks.cacheMaxAgeS * 1000,
      });
      remotes.set(url, set);
    }
    return set;
  };

  return {
    async verify(token, audience) {
      if (!token) throw new JwtRejection('missing');
      let header: ReturnType<typeof decodeProtectedHeader>;
      let unverified: JWTPayload;
      try {
        header = decodeProtectedHeader(token);
        unverified = decodeJwt(token);
      } catch {
        throw new JwtRejection('malformed');
      }
      if (typeof header.alg !== 'string' || FORBIDDEN_ALG.test(header.alg) || !algorithms.has(header.alg)) throw new JwtRejection('alg');
      if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT') throw new JwtRejection('typ');
      if (typeof header.kid !== 'string' || header.kid.length === 0) throw new JwtRejection('kid');
      const issuer = typeof unverified.iss === 'string' ? byIss.get(unverified.iss) : undefined;
      if (!issuer) throw new JwtRejection('iss');
      if (header.jku !== undefined && !issuer.jku.includes(header.jku)) throw new JwtRejection('jku');

      const local = locals.get(issuer.iss);
      const remoteUrl = header.jku ?? issuer.jwks_uri;
      const getKey: JWTVerifyGetKey = async (h, t) => {
        if (local) {
          try {
            return await local(h, t);
          } catch (e) {
            if (!(e instanceof errors.JWKSNoMatchingKey) || !remoteUrl) throw e;
          }
        }
        if (!remoteUrl) throw new errors.JWKSNoMatchingKey();
        return remote(remoteUrl)(h, t);
      };

      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          algorithms: [...algorithms],
          issuer: issuer.iss,
          audience,
          clockTolerance: options.clockSkewS,
          maxTokenAge: options.maxAgeS,
          requiredClaims: ['exp', 'iat', 'jti'],
          currentDate: now(),
        }));
      } catch (e) {
        throw new JwtRejection(reasonOf(e));
      }
      const exp = payload.exp as number;
      const iat = payload.iat as number;
      if (exp - iat > options.maxAgeS) throw new JwtRejection('lifetime');
      if (typeof payload.jti !== 'string' || payload.jti.length === 0) throw new JwtRejection('claims');
      const tenant = typeof payload.tenant === 'string' ? payload.tenant : undefined;
      if (issuer.tenant !== undefined) {
        const allowed = Array.isArray(issuer.tenant) ? issuer.tenant : [issuer.tenant];
        if (!tenant || !allowed.includes(tenant)) throw new JwtRejection('tenant');
      }
      const ttl = Math.min(options.maxAgeS, exp - now().getTime() / 1000) + options.clockSkewS;
      const fresh = await options.replayCache.markSeen(`${issuer.iss}\u0000${payload.jti}`, Math.max(1, ttl), issuer.iss);
      if (!fresh) throw new JwtRejection('replay');
      return { iss: issuer.iss, tenant, fhirServers: issuer.fhirServers };
    },
  };
}

function reasonOf(e: unknown): JwtRejectionReason {
  if (e instanceof errors.JWTExpired) return e.claim === 'iat' ? 'iat' : 'expired';
  if (e instanceof errors.JWTClaimValidationFailed) {
    switch (e.claim) {
      case 'aud': return 'aud';
      case 'iss': return 'iss';
      case 'iat': return 'iat';
      case 'nbf': return 'nbf';
      case 'exp': return 'expired';
      default: return 'claims';
    }
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return 'alg';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) return 'kid';
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid) return 'jwks_unavailable';
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid || e instanceof errors.JOSENotSupported) return 'malformed';
  return 'jwks_unavailable';
}
