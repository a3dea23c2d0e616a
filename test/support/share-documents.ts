// GraphQL documents for the three operations beside createWorkloadShare (CREATE
// lives in ./emulator.ts), selecting every member the contract defines.
// `clientRequestToken` is aliased on the error types: union fragments selecting
// one field name with different nullability conflict.

// Update and delete list ConflictError but not ServiceQuotaExceededError.
const ERROR_SELECTION = /* GraphQL */ `
      ... on Error { code message retryable }
      ... on ValidationError { fields { path message } }
      ... on ResourceNotFoundError { resourceId resourceType }
      ... on ConflictError { resourceId resourceType }
      ... on ThrottlingError { retryAfterSeconds errorToken: clientRequestToken quotaCode serviceCode }
      ... on UpstreamError { httpStatus requestId errorToken: clientRequestToken }
`;

// WorkloadSharesResult lists neither ConflictError nor ServiceQuotaExceededError,
// so spreading them there would be a GraphQL validation error.
const LIST_ERROR_SELECTION = /* GraphQL */ `
      ... on Error { code message retryable }
      ... on ValidationError { fields { path message } }
      ... on ResourceNotFoundError { resourceId resourceType }
      ... on ThrottlingError { retryAfterSeconds errorToken: clientRequestToken quotaCode serviceCode }
      ... on UpstreamError { httpStatus requestId errorToken: clientRequestToken }
`;

export const LIST = /* GraphQL */ `
  query List($workloadId: ID!, $sharedWithPrefix: String, $status: ShareStatus, $first: Int, $after: String) {
    workloadShares(workloadId: $workloadId, sharedWithPrefix: $sharedWithPrefix, status: $status, first: $first, after: $after) {
      __typename
      ... on WorkloadShareConnection {
        edges { cursor node { id workloadId sharedWith permissionType createdAt status workload { id } } }
        pageInfo { hasNextPage endCursor }
      }
${LIST_ERROR_SELECTION}
    }
  }
`;

export const UPDATE = /* GraphQL */ `
  mutation Update($input: UpdateWorkloadShareInput!) {
    updateWorkloadShare(input: $input) {
      __typename
      ... on UpdateWorkloadShareSuccess {
        share { id workloadId sharedWith permissionType createdAt status workload { id } }
      }
${ERROR_SELECTION}
    }
  }
`;

export const DELETE = /* GraphQL */ `
  mutation Delete($input: DeleteWorkloadShareInput!) {
    deleteWorkloadShare(input: $input) {
      __typename
      ... on DeleteWorkloadShareSuccess { deletedShareId clientRequestToken }
${ERROR_SELECTION}
    }
  }
`;
