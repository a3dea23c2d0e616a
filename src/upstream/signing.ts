// SigV4 for the real service: the client hands every attempt to a
// RequestSigner, so each retry is signed afresh (a new x-amz-date), and a
// SigningClock keeps the server's clock offset as the official SDK does.
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { SIGNING_SERVICE } from "./aws-endpoint.js";

/** One attempt's request as it will go on the wire. */
export interface SignableRequest {
  method: string;
  /** "http:" or "https:". */
  protocol: string;
  hostname: string;
  port?: number;
  /** The path as sent, labels already percent-encoded. */
  path: string;
  /** Query parameters with their decoded values (the signer encodes them as the SDK does). */
  query: Record<string, string>;
  /** Exactly the headers to sign, names in lower case. */
  headers: Record<string, string>;
  body?: string;
}

export interface RequestSigner {
  /** The headers to send: the given ones plus x-amz-date, x-amz-content-sha256, the session token and authorization. */
  sign(request: SignableRequest, signingDate: Date): Promise<Record<string, string>>;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Resolves the current credentials; the standard chain caches and refreshes them. */
export type CredentialProvider = () => Promise<AwsCredentials>;

export class SigV4Signer implements RequestSigner {
  private readonly signer: SignatureV4;

  constructor(options: { region: string; credentials: CredentialProvider | AwsCredentials }) {
    this.signer = new SignatureV4({
      service: SIGNING_SERVICE,
      region: options.region,
      credentials: options.credentials,
      sha256: Sha256,
      // Both are the signer's defaults and what the SDK uses for this service.
      uriEscapePath: true,
      applyChecksum: true,
    });
  }

  async sign(request: SignableRequest, signingDate: Date): Promise<Record<string, string>> {
    const signed = await this.signer.sign({ ...request, headers: { ...request.headers } }, { signingDate });
    return signed.headers;
  }
}

/** The SDK's threshold: a server clock this far off means our signatures would be refused. */
export const CLOCK_SKEW_THRESHOLD_MS = 240_000;
/** An answer slower than this says nothing reliable about the server's clock. */
const MAX_SAMPLE_ROUND_TRIP_MS = 900_000;

/**
 * The offset between the server's clock and ours. Every answer's `Date`
 * header is compared with the corrected clock; 4 minutes or more apart and the
 * offset is adopted, and the caller learns that it was corrected (so a
 * refused request is worth one more try with a fresh signature).
 */
export class SigningClock {
  private offsetMs = 0;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** The time to sign with. */
  now(): Date {
    return new Date(this.localNow() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Returns true when this answer corrected the offset. */
  observe(dateHeader: string | null, ageHeader: string | null, requestSentAt: number): boolean {
    // A cached answer (Age) carries a stale Date.
    if (dateHeader === null || ageHeader !== null) return false;
    const serverTime = Date.parse(dateHeader);
    if (Number.isNaN(serverTime)) return false;
    const received = this.localNow();
    if (received - requestSentAt > MAX_SAMPLE_ROUND_TRIP_MS) return false;
    if (Math.abs(received + this.offsetMs - serverTime) < CLOCK_SKEW_THRESHOLD_MS) return false;
    this.offsetMs = serverTime - received;
    return true;
  }
}
