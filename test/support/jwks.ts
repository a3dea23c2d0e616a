// A JWKS server on loopback that tests start, with keys they can rotate, and
// a token minter. Shares no code with the gateway's verifier.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeSigningKey(kid: string, alg = "RS256"): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicJwk };
}

export interface JwksServer {
  url: string;
  /** How many times the key set was fetched. */
  readonly fetches: number;
  publish(...keys: SigningKey[]): void;
  close(): Promise<void>;
}

export async function startJwksServer(...initial: SigningKey[]): Promise<JwksServer> {
  let keys = initial;
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    publish(...next) {
      keys = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TokenOptions {
  claims?: JWTPayload;
  issuer?: string;
  audience?: string;
  subject?: string;
  /** Seconds from now; negative: already expired. */
  expiresIn?: number | null;
  /** Header kid override (default: the key's). */
  kid?: string;
}

export async function mintToken(key: SigningKey | { secret: Uint8Array; alg: "HS256" }, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader("secret" in key ? { alg: key.alg } : { alg: key.alg, kid: options.kid ?? key.kid })
    .setIssuedAt(now - 60);
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  if (options.subject !== undefined) jwt.setSubject(options.subject);
  if (options.expiresIn !== null) jwt.setExpirationTime(now + (options.expiresIn ?? 300));
  return jwt.sign("secret" in key ? key.secret : key.privateKey);
}
