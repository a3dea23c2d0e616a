// AWS credentials from the standard Node.js chain: environment, shared config
// and credentials files (AWS_PROFILE), SSO, web identity, container and
// instance metadata. The chain caches what it found and fetches new temporary
// credentials before they expire. Nothing here ever prints a credential.
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { SigV4Signer, type AwsCredentials, type CredentialProvider } from "./signing.js";

export function standardCredentialChain(): CredentialProvider {
  return fromNodeProviderChain();
}

export type StartupCredentials = { ok: true; temporary: boolean } | { ok: false; reason: string };

/** The first line of an error, without anything after it (provider errors can be long). */
function shortReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n")[0] ?? "").trim().slice(0, 300) || "unknown error";
}

/**
 * Resolves credentials once at startup so a missing or broken setup stops the
 * gateway there, not at its first request.
 */
export async function checkCredentialsAtStartup(provider: CredentialProvider, timeoutMs = 30_000): Promise<StartupCredentials> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the credential chain within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const credentials: AwsCredentials = await Promise.race([provider(), timeout]);
    if (!credentials.accessKeyId || !credentials.secretAccessKey) return { ok: false, reason: "the chain returned incomplete credentials" };
    return { ok: true, temporary: credentials.sessionToken !== undefined && credentials.sessionToken !== "" };
  } catch (error) {
    return { ok: false, reason: shortReason(error) };
  } finally {
    clearTimeout(timer);
  }
}

export type StartupSigner = { ok: true; signer: SigV4Signer; temporary: boolean } | { ok: false; message: string };

/** The signer `npm start` uses: the standard chain, checked once before the gateway serves. */
export async function createStartupSigner(region: string, provider: CredentialProvider = standardCredentialChain()): Promise<StartupSigner> {
  const check = await checkCredentialsAtStartup(provider);
  if (!check.ok) {
    return {
      ok: false,
      message:
        "AWS credentials: none found to sign upstream requests (looked in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, " +
        `AWS_PROFILE and the shared config and credentials files, SSO, web identity, container and instance metadata): ${check.reason}` +
        (process.env.AWS_PROFILE ? ` (AWS_PROFILE is "${process.env.AWS_PROFILE}")` : ""),
    };
  }
  return { ok: true, signer: new SigV4Signer({ region, credentials: provider }), temporary: check.temporary };
}
