// SigV4 for the real service: the client hands every attempt to a
// RequestSigner, so each retry is signed afresh (a new x-amz-date), and a
// SigningClock (signing-clock.ts) keeps the server's clock offset as the
// official SDK does. Only main.ts's signing start-up and the tests load this
// file: without SigV4 the signer's libraries stay out of the process.
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
