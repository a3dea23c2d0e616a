// The emulator as tests use it: a real server, plus its control endpoints.
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/server.js";
import type { EmulatorFormat } from "../../src/emulator/wire-format.js";

export async function startTestEmulator(
  format: EmulatorFormat = "envelope",
  options: Pick<EmulatorOptions, "credentials" | "clockOffsetMs"> = {},
): Promise<RunningEmulator> {
  return startEmulator({ format, port: 0, host: "127.0.0.1", ...options });
}

/** Test credentials (AWS's documented example keys), never real ones. */
export const TEST_CREDENTIALS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
} as const;

export async function injectFault(emulatorUrl: string, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulatorUrl}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  if (response.status !== 201) throw new Error(`fault not queued: ${response.status} ${await response.text()}`);
}

export async function resetEmulator(emulatorUrl: string): Promise<void> {
  await fetch(`${emulatorUrl}/__emulator/reset`, { method: "POST" });
}

export const SEEDED = {
  roomy: "0123456789abcdef0123456789abcdef",
  dataLake: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
  full: "fedcba9876543210fedcba9876543210",
  unknown: "00000000000000000000000000000000",
} as const;

export const CREATE = /* GraphQL */ `
  mutation Create($input: CreateWorkloadShareInput!) {
    createWorkloadShare(input: $input) {
      __typename
      ... on CreateWorkloadShareSuccess {
        clientRequestToken
        share { id workloadId sharedWith permissionType createdAt status workload { id } }
      }
      ... on Error { code message retryable }
      ... on ValidationError { fields { path message } }
      ... on ResourceNotFoundError { resourceId resourceType }
      ... on ConflictError { resourceId resourceType }
      ... on ServiceQuotaExceededError { quotaCode serviceCode resourceId resourceType }
      ... on ThrottlingError { retryAfterSeconds errorToken: clientRequestToken quotaCode serviceCode }
      ... on UpstreamError { httpStatus requestId errorToken: clientRequestToken }
    }
  }
`;
