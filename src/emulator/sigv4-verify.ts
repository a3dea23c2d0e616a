// The emulator's SigV4 check: recomputes the signature of a received request
// with the configured test credentials (using the SDK's own signer) and
// refuses as the real service does: 403 with an AWS error type and message.
import { timingSafeEqual } from "node:crypto";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { isAwsRegion, SIGNING_SERVICE } from "../upstream/aws-endpoint.js";

export interface VerifierCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Set for temporary credentials: requests must then carry this token. */
  sessionToken?: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  /** Header names in lower case, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: string | Uint8Array;
}

export interface VerifyOptions {
  credentials: VerifierCredentials;
  /** The server's clock (ms since the epoch). */
  now?: number;
  /** How far x-amz-date may be from the server's clock. */
  maxSkewMs?: number;
}

export type SignatureCheck = { ok: true } | { ok: false; errorType: string; message: string };

/** API Gateway's window, as the service answers "Signature expired: ... (... - 5 min.)". */
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;
const ALGORITHM = "AWS4-HMAC-SHA256";
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function refuse(errorType: string, message: string): SignatureCheck {
  return { ok: false, errorType, message };
}

const INVALID_TOKEN = "The security token included in the request is invalid.";
const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

function header(headers: SignedRequest["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

interface AuthorizationHeader {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string): AuthorizationHeader | string {
  const space = value.indexOf(" ");
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) return `Unsupported Authorization Type (expected ${ALGORITHM})`;
  const params = new Map<string, string>();
  for (const part of value.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) return `Invalid key=value pair (missing equal-sign) in Authorization header: '${part.trim()}'.`;
    params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ["Credential", "Signature", "SignedHeaders"].filter((name) => !params.get(name));
  if (missing.length > 0) return missing.map((name) => `Authorization header requires '${name}' parameter.`).join(" ");
  const scope = (params.get("Credential") as string).split("/");
  if (scope.length !== 5) return "Credential should be scoped to a valid region, service and terminator: <key>/<date>/<region>/<service>/aws4_request.";
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    signedHeaders: (params.get("SignedHeaders") as string).split(";"),
    signature: params.get("Signature") as string,
  };
}

function parseAmzDate(value: string): Date | null {
  const m = AMZ_DATE.exec(value);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  return Number.isNaN(date.getTime()) ? null : date;
}

function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The raw query as the signer wants it: decoded names and values, repeated names as lists. */
function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : decodeComponent(pair.slice(eq + 1));
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}

function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function verifySignature(request: SignedRequest, options: VerifyOptions): Promise<SignatureCheck> {
  const { credentials } = options;
  const now = options.now ?? Date.now();
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const authorization = header(request.headers, "authorization");
  if (authorization === undefined || authorization.trim() === "") {
    return refuse("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  const auth = parseAuthorization(authorization.trim());
  if (typeof auth === "string") return refuse("IncompleteSignatureException", auth);

  const amzDate = header(request.headers, "x-amz-date");
  if (amzDate === undefined) {
    return refuse("IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const signingDate = parseAmzDate(amzDate);
  if (signingDate === null) return refuse("IncompleteSignatureException", `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  if (!auth.signedHeaders.includes("host")) {
    return refuse("IncompleteSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (auth.terminator !== "aws4_request") {
    return refuse("IncompleteSignatureException", `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'.`);
  }
  if (auth.service !== SIGNING_SERVICE) {
    return refuse("InvalidSignatureException", `Credential should be scoped to correct service: '${SIGNING_SERVICE}'. `);
  }
  if (!isAwsRegion(auth.region)) return refuse("InvalidSignatureException", "Credential should be scoped to a valid region. ");
  if (auth.date !== amzDate.slice(0, 8)) {
    return refuse(
      "InvalidSignatureException",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const skew = signingDate.getTime() - now;
  if (skew < -maxSkewMs) {
    return refuse(
      "InvalidSignatureException",
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - maxSkewMs)} (${formatAmzDate(now)} - ${maxSkewMs / 60_000} min.)`,
    );
  }
  if (skew > maxSkewMs) {
    return refuse(
      "InvalidSignatureException",
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + maxSkewMs)} (${formatAmzDate(now)} + ${maxSkewMs / 60_000} min.)`,
    );
  }
  if (auth.accessKeyId !== credentials.accessKeyId) return refuse("UnrecognizedClientException", INVALID_TOKEN);
  if (header(request.headers, "x-amz-security-token") !== credentials.sessionToken) {
    return refuse("UnrecognizedClientException", INVALID_TOKEN);
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = header(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  const url = request.url;
  const queryStart = url.indexOf("?");
  const signer = new SignatureV4({
    service: SIGNING_SERVICE,
    region: auth.region,
    credentials,
    sha256: Sha256,
    // The received x-amz-content-sha256 is only used when it was signed.
    applyChecksum: false,
  });
  const body = typeof request.body === "string" ? Buffer.from(request.body, "utf8") : request.body;
  if ("x-amz-content-sha256" in headers) {
    // The payload hash is the body's, whatever the header claims.
    const hash = new Sha256();
    hash.update(body);
    headers["x-amz-content-sha256"] = Buffer.from(await hash.digest()).toString("hex");
  }
  const recomputed = await signer.sign(
    {
      method: request.method,
      protocol: "https:",
      hostname: headers.host ?? "",
      path: queryStart < 0 ? url : url.slice(0, queryStart),
      query: queryStart < 0 ? {} : parseQuery(url.slice(queryStart + 1)),
      headers,
      body: body.length === 0 ? undefined : body,
    },
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)$/.exec(recomputed.headers.authorization ?? "")?.[1] ?? "";
  const expectedSignedHeaders = /SignedHeaders=([^,]+),/.exec(recomputed.headers.authorization ?? "")?.[1];
  if (expectedSignedHeaders !== auth.signedHeaders.join(";") || !sameSignature(expected, auth.signature)) {
    return refuse("InvalidSignatureException", MISMATCH);
  }
  return { ok: true };
}
