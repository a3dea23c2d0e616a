// Bearer tokens (AUTH_MODE=jwt) verified with jose: a JWKS URL (asymmetric
// algorithms only; keys cached, and fetched again for an unknown key ID) or
// a shared secret (HS256 only, for development). Never `alg: none`.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { JwtConfig } from "../config.js";
import { groupsFromClaims, scopedCaller, scopesFromClaims, type Caller } from "./caller.js";

export const ASYMMETRIC_ALGORITHMS = [
  "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519",
];
const SECRET_ALGORITHMS = ["HS256"];

export type Verification =
  | { ok: true; caller: Caller }
  /** 401: the token is missing or not acceptable. */
  | { ok: false; kind: "missing" | "invalid" | "expired"; message: string }
  /** 503: the key set could not be fetched, so the token could not be judged. */
  | { ok: false; kind: "unavailable"; message: string };

export interface JwtVerifierOptions {
  /** How long a verified token is trusted without verifying it again (its own `exp` always wins). */
  verifiedCacheMs?: number;
  /** Verified tokens remembered at most. */
  verifiedCacheSize?: number;
  /** Minimum time between two JWKS fetches caused by unknown key IDs. */
  cooldownMs?: number;
  /** Keys older than this are fetched again before use. */
  cacheMaxAgeMs?: number;
  /** Deadline of one JWKS fetch. */
  fetchTimeoutMs?: number;
}

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*) *$/i;
const CLOCK_TOLERANCE_SECONDS = 5;
const VERIFIED_CACHE_MS = 60_000;
const VERIFIED_CACHE_SIZE = 10_000;

/** The key set could not be fetched or read: that says nothing about the token. */
class KeySetUnavailable extends Error {}

/** A remote key set whose own failures (as opposed to "no key for this token") become KeySetUnavailable. */
function keySetOf(url: string, options: JwtVerifierOptions): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(url), {
    cooldownDuration: options.cooldownMs ?? 5_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.fetchTimeoutMs ?? 5_000,
  });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      const aboutTheToken =
        error instanceof errors.JOSEError &&
        !(error instanceof errors.JWKSTimeout) &&
        !(error instanceof errors.JWKSInvalid) &&
        error.code !== "ERR_JOSE_GENERIC"; // a non-200 or non-JSON JWKS answer
      throw aboutTheToken ? error : new KeySetUnavailable("JWKS unavailable", { cause: error });
    }
  };
}

/** Synchronous when the answer needs no signature check (no token, a malformed one, a recently verified one). */
export type TokenVerifier = (authorization: string | null) => Verification | Promise<Verification>;

export function createJwtVerifier(config: JwtConfig, options: JwtVerifierOptions = {}): TokenVerifier {
  const claims = {
    requiredClaims: ["exp"],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(config.issuer !== null ? { issuer: config.issuer } : {}),
    ...(config.audience !== null ? { audience: config.audience } : {}),
  };
  let verify: (token: string) => Promise<JWTPayload>;
  if (config.jwksUrl !== null) {
    const keySet = keySetOf(config.jwksUrl, options);
    verify = async (token) => (await jwtVerify(token, keySet, { ...claims, algorithms: ASYMMETRIC_ALGORITHMS })).payload;
  } else if (config.secret !== null) {
    const secret = new TextEncoder().encode(config.secret);
    verify = async (token) => (await jwtVerify(token, secret, { ...claims, algorithms: SECRET_ALGORITHMS })).payload;
  } else {
    throw new Error("JWT verification needs a JWKS URL or a secret");
  }

  // A client sends the same bearer token with many requests: a verified token
  // is trusted again for a short while (never past its own exp) instead of
  // repeating the signature check, which costs the most on every request.
  const verified = new Map<string, { caller: Caller; until: number }>();
  const trustForMs = options.verifiedCacheMs ?? VERIFIED_CACHE_MS;
  const cacheSize = options.verifiedCacheSize ?? VERIFIED_CACHE_SIZE;

  async function verifyNew(token: string): Promise<Verification> {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, kind: "expired", message: "The bearer token has expired" };
      if (error instanceof KeySetUnavailable) {
        return { ok: false, kind: "unavailable", message: "The keys to verify bearer tokens are unavailable; try again later" };
      }
      return { ok: false, kind: "invalid", message: "The bearer token is not valid" };
    }
    const subject = typeof payload.sub === "string" ? payload.sub : null;
    const caller = scopedCaller(subject, scopesFromClaims(payload), config, groupsFromClaims(payload));
    if (trustForMs > 0 && typeof payload.exp === "number") {
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string);
      verified.set(token, { caller, until: Math.min(payload.exp * 1000, Date.now() + trustForMs) });
    }
    return { ok: true, caller };
  }

  return (authorization) => {
    if (authorization === null || authorization.trim() === "") {
      return { ok: false, kind: "missing", message: "Authentication required: send Authorization: Bearer <token>" };
    }
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) {
      return { ok: false, kind: "invalid", message: "The Authorization header must be Bearer followed by a JWT" };
    }
    const known = verified.get(token);
    if (known !== undefined) {
      if (Date.now() < known.until) return { ok: true, caller: known.caller };
      verified.delete(token);
    }
    return verifyNew(token);
  };
}
