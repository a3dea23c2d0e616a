// Every operation the app sends. GraphQL Code Generator types them and registers
// each in src/gql/persisted-documents.json; the gateway executes nothing else.
import { graphql } from "./gql";

export const ShareFields = graphql(`
  fragment ShareFields on WorkloadShare {
    id
    workloadId
    sharedWith
    permissionType
    status
    createdAt
  }
`);

// One error fragment for every result union. clientRequestToken is String on the
// error types and String! on the success types: alias it here so the two never clash.
export const ResultErrorFields = graphql(`
  fragment ResultErrorFields on Error {
    code
    message
    retryable
    ... on ValidationError {
      fields {
        path
        message
      }
    }
    ... on ThrottlingError {
      retryAfterSeconds
      errorToken: clientRequestToken
    }
    ... on UpstreamError {
      httpStatus
      retryAfterSeconds
      errorToken: clientRequestToken
    }
  }
`);

export const WorkloadSharesQuery = graphql(`
  query WorkloadShares($workloadId: ID!) {
    workloadShares(workloadId: $workloadId, first: 50) {
      __typename
      ... on WorkloadShareConnection {
        edges {
          node {
            ...ShareFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
      ...ResultErrorFields
    }
  }
`);

export const CreateShareMutation = graphql(`
  mutation CreateShare($input: CreateWorkloadShareInput!) {
    createWorkloadShare(input: $input) {
      __typename
      ... on CreateWorkloadShareSuccess {
        clientRequestToken
        share {
          ...ShareFields
        }
      }
      ...ResultErrorFields
    }
  }
`);

export const UpdateShareMutation = graphql(`
  mutation UpdateShare($input: UpdateWorkloadShareInput!) {
    updateWorkloadShare(input: $input) {
      __typename
      ... on UpdateWorkloadShareSuccess {
        share {
          ...ShareFields
        }
      }
      ...ResultErrorFields
    }
  }
`);

export const DeleteShareMutation = graphql(`
  mutation DeleteShare($input: DeleteWorkloadShareInput!) {
    deleteWorkloadShare(input: $input) {
      __typename
      ... on DeleteWorkloadShareSuccess {
        deletedShareId
        clientRequestToken
      }
      ...ResultErrorFields
    }
  }
`);
