// Where the real service lives and which Region a request is signed for.
// The SDK's endpoint rules build a host for any Region string (reference §1),
// so the gateway keeps AWS's own list and refuses anything else at startup.

export const SIGNING_SERVICE = "wellarchitected";

interface Partition {
  id: string;
  dnsSuffix: string;
  dualStackDnsSuffix: string;
  regions: readonly string[];
}

// AWS's partitions and Regions as published in the SDK's partitions data
// (@aws-sdk/core 3.981.2, util-endpoints partitions.js), without the
// "*-global" pseudo-Regions. Add a Region here when AWS opens one.
const PARTITIONS: readonly Partition[] = [
  {
    id: "aws",
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    regions: [
      "af-south-1",
      "ap-east-1",
      "ap-east-2",
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-northeast-3",
      "ap-south-1",
      "ap-south-2",
      "ap-southeast-1",
      "ap-southeast-2",
      "ap-southeast-3",
      "ap-southeast-4",
      "ap-southeast-5",
      "ap-southeast-6",
      "ap-southeast-7",
      "ca-central-1",
      "ca-west-1",
      "eu-central-1",
      "eu-central-2",
      "eu-north-1",
      "eu-south-1",
      "eu-south-2",
      "eu-west-1",
      "eu-west-2",
      "eu-west-3",
      "il-central-1",
      "me-central-1",
      "me-south-1",
      "me-west-1",
      "mx-central-1",
      "sa-east-1",
      "sa-west-1",
      "us-east-1",
      "us-east-2",
      "us-west-1",
      "us-west-2",
    ],
  },
  { id: "aws-us-gov", dnsSuffix: "amazonaws.com", dualStackDnsSuffix: "api.aws", regions: ["us-gov-east-1", "us-gov-west-1"] },
  {
    id: "aws-cn",
    dnsSuffix: "amazonaws.com.cn",
    dualStackDnsSuffix: "api.amazonwebservices.com.cn",
    regions: ["cn-north-1", "cn-northwest-1"],
  },
  { id: "aws-eusc", dnsSuffix: "amazonaws.eu", dualStackDnsSuffix: "api.amazonwebservices.eu", regions: ["eusc-de-east-1"] },
  { id: "aws-iso", dnsSuffix: "c2s.ic.gov", dualStackDnsSuffix: "api.aws.ic.gov", regions: ["us-iso-east-1", "us-iso-west-1"] },
  { id: "aws-iso-b", dnsSuffix: "sc2s.sgov.gov", dualStackDnsSuffix: "api.aws.scloud", regions: ["us-isob-east-1", "us-isob-west-1"] },
  { id: "aws-iso-e", dnsSuffix: "cloud.adc-e.uk", dualStackDnsSuffix: "api.cloud-aws.adc-e.uk", regions: ["eu-isoe-west-1"] },
  {
    id: "aws-iso-f",
    dnsSuffix: "csp.hci.ic.gov",
    dualStackDnsSuffix: "api.aws.hci.ic.gov",
    regions: ["us-isof-east-1", "us-isof-south-1"],
  },
];

function partitionOf(region: string): Partition | undefined {
  return PARTITIONS.find((p) => p.regions.includes(region));
}

export function isAwsRegion(region: string): boolean {
  return partitionOf(region) !== undefined;
}

/** The contract's AWS Well-Architected hosts: standard, FIPS and dual-stack, in every partition it names. */
const WELL_ARCHITECTED_HOST =
  /^wellarchitected(?:-fips)?\.([a-z0-9-]+)\.(amazonaws\.com|amazonaws\.com\.cn|api\.aws|api\.amazonwebservices\.com\.cn)$/;

export interface WellArchitectedHost {
  /** The Region the host names (not yet checked against AWS's list). */
  region: string;
  suffix: string;
}

export function parseWellArchitectedHost(hostname: string): WellArchitectedHost | null {
  const match = WELL_ARCHITECTED_HOST.exec(hostname.toLowerCase());
  return match ? { region: match[1] as string, suffix: match[2] as string } : null;
}

export type SigningDecision =
  | { ok: true; /** null: requests go unsigned. */ region: string | null }
  | { ok: false; variable: string; problem: string };

const REGION_EXAMPLES = "(e.g. us-east-1, eu-west-1, cn-north-1)";

/**
 * Whether requests to `upstreamUrl` are signed, and for which Region:
 * `auto` signs for a Well-Architected host only, `sigv4` always, `none` never.
 * The Region comes from the host, else AWS_REGION.
 */
export function decideSigning(
  upstreamAuth: "auto" | "none" | "sigv4",
  upstreamUrl: string | null,
  awsRegion: string | undefined,
): SigningDecision {
  if (upstreamAuth === "none") return { ok: true, region: null };
  const host = upstreamUrl === null ? null : parseWellArchitectedHost(new URL(upstreamUrl).hostname);
  if (host !== null) {
    const partition = partitionOf(host.region);
    if (partition === undefined) return { ok: false, variable: "UPSTREAM_URL", problem: `names "${host.region}", which is not an AWS Region ${REGION_EXAMPLES}` };
    if (host.suffix !== partition.dnsSuffix && host.suffix !== partition.dualStackDnsSuffix) {
      return {
        ok: false,
        variable: "UPSTREAM_URL",
        problem: `the Region ${host.region} is served under ${partition.dnsSuffix} or ${partition.dualStackDnsSuffix}, not ${host.suffix}`,
      };
    }
    return { ok: true, region: host.region };
  }
  if (upstreamAuth === "auto") return { ok: true, region: null };
  if (awsRegion === undefined) {
    return {
      ok: false,
      variable: "AWS_REGION",
      problem: "is required with UPSTREAM_AUTH=sigv4 when UPSTREAM_URL is not a wellarchitected.<region> host (it is the signing Region)",
    };
  }
  if (!isAwsRegion(awsRegion)) return { ok: false, variable: "AWS_REGION", problem: `"${awsRegion}" is not an AWS Region ${REGION_EXAMPLES}` };
  return { ok: true, region: awsRegion };
}
