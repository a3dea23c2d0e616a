// What either wire says about a failure, before the mapping table is applied.
import type { UpstreamFieldProblem } from "./failure.js";

export interface ErrorDetails {
  /** The envelope's error.code or the cleaned AWS error type; null when neither came. */
  code: string | null;
  message: string | null;
  fields: UpstreamFieldProblem[];
  resourceId: string | null;
  resourceType: string | null;
  quotaCode: string | null;
  serviceCode: string | null;
}

export const NO_ERROR_DETAILS: ErrorDetails = {
  code: null,
  message: null,
  fields: [],
  resourceId: null,
  resourceType: null,
  quotaCode: null,
  serviceCode: null,
};
