// SigV4 written out from AWS's specification ("Create a signed AWS API
// request") with node:crypto alone. It shares no code with the gateway or the
// SDK's signer, so it is an independent witness that a signature is right.
import { createHash, createHmac } from "node:crypto";

export interface ReceivedSignedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(value: string | string[] | undefined): ParsedAuthorization {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      String(value),
    );
  if (!match) throw new Error(`not a SigV4 authorization header: ${String(value)}`);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  return {
    accessKeyId: accessKeyId as string,
    date: date as string,
    region: region as string,
    service: service as string,
    signedHeaders: (signedHeaders as string).split(";"),
    signature: signature as string,
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper case). */
function uriEncode(value: string): string {
  return Array.from(new TextEncoder().encode(value))
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

const sha256Hex = (data: string): string => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

export function canonicalRequest(request: ReceivedSignedRequest, signedHeaders: string[]): string {
  const [rawPath = "", rawQuery = ""] = request.url.split("?", 2) as [string, string?];
  // Every service but S3 encodes each path segment twice: once on the wire, once here.
  const path = rawPath.split("/").map(uriEncode).join("/");
  const query = rawQuery
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? "" : decodeURIComponent(pair.slice(eq + 1));
      return [uriEncode(name), uriEncode(value)] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const headers = [...signedHeaders]
    .sort()
    .map((name) => {
      const value = request.headers[name];
      const text = Array.isArray(value) ? value.join(",") : (value ?? "");
      return `${name}:${text.trim().replace(/\s+/g, " ")}\n`;
    })
    .join("");
  return [request.method, path, query, headers, [...signedHeaders].sort().join(";"), sha256Hex(request.body)].join("\n");
}

/** Whether the request's Authorization header is the right signature for these credentials. */
export function referenceVerify(request: ReceivedSignedRequest, secretAccessKey: string): boolean {
  const auth = parseAuthorization(request.headers.authorization);
  const amzDate = String(request.headers["x-amz-date"]);
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest(request, auth.signedHeaders))].join("\n");
  let key: Buffer | string = `AWS4${secretAccessKey}`;
  for (const part of [auth.date, auth.region, auth.service, "aws4_request"]) key = hmac(key, part);
  return createHmac("sha256", key).update(stringToSign, "utf8").digest("hex") === auth.signature;
}
