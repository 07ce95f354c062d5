import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** What the API's JWT authorizer is configured with: the pool's issuer and the app clients it accepts. */
export interface JwtAuthorizerConfig {
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>` on AWS; the local issuer's URL locally. */
  issuer: string;
  /** App client ids: a token's `aud` (ID token) or `client_id` (access token) must be one of them. */
  audience: readonly string[];
  /** The keys; by default the issuer's `/.well-known/jwks.json`, fetched and cached by jose. */
  keys?: JWTVerifyGetKey;
}

export type TokenCheck = { ok: true; claims: JWTPayload & Record<string, unknown> } | { ok: false; reason: string };

/**
 * The checks of API Gateway's JWT authorizer, in its order: a JWS signed by a key of the issuer's
 * JWKS (RS256), `iss` equal to the issuer, `aud` or `client_id` among the audience, `exp` in the
 * future and `nbf`/`iat` not ahead of now. The local API server runs exactly this before any
 * route function, as API Gateway does on AWS.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html#http-api-jwt-authorizer.evaluation
 */
export function jwtAuthorizer(cfg: JwtAuthorizerConfig): (token: string) => Promise<TokenCheck> {
  const keys = cfg.keys ?? createRemoteJWKSet(new URL(`${cfg.issuer}/.well-known/jwks.json`));
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: cfg.issuer, algorithms: ['RS256'], requiredClaims: ['exp', 'sub'] });
      const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
      const accepted = aud.some((a) => cfg.audience.includes(a)) || (clientId !== undefined && cfg.audience.includes(clientId));
      if (!accepted) return { ok: false, reason: 'the token is for another app client' };
      return { ok: true, claims: payload as JWTPayload & Record<string, unknown> };
    } catch (e) {
      if (e instanceof errors.JWTExpired) return { ok: false, reason: 'the token has expired' };
      if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: 'the token is not signed by the issuer' };
      if (e instanceof errors.JOSEError) return { ok: false, reason: `the token is not valid (${e.code})` };
      throw e;
    }
  };
}
