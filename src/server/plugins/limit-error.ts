// The one shape of a limit refusal: HTTP 4xx whatever the Accept header, a
// GraphQL error whose message and `extensions.limit` name the variable.
import { GraphQLError } from "graphql";

export type LimitName =
  | "MAX_DEPTH"
  | "MAX_ALIASES"
  | "MAX_TOKENS"
  | "MAX_DIRECTIVES"
  | "MAX_WRITE_FIELDS"
  | "BATCH_LIMIT"
  | "MAX_BODY_BYTES";

export function limitError(limit: LimitName, message: string, status = 400): GraphQLError {
  return new GraphQLError(`${limit}: ${message}`, {
    extensions: { code: `${limit}_EXCEEDED`, limit, http: { status, spec: false } },
  });
}
