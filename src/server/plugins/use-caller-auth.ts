// Caller authentication (AUTH_MODE). jwt: a bearer token is verified before
// the body is parsed; a missing or invalid one is HTTP 401 with
// `WWW-Authenticate: Bearer` and nothing executes. none and forward: the
// gateway grants every scope (forward: the upstream authenticates callers).
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { UNRESTRICTED_CALLER } from "../../auth/caller.js";
import type { TokenVerifier, Verification } from "../../auth/jwt-verifier.js";
import { recordOf } from "../request-record.js";

export function useCallerAuth(verify: TokenVerifier | null): Plugin {
  return {
    // Not async: a recently verified token is answered synchronously, and an
    // async hook would make every later hook of the request asynchronous too.
    onRequestParse({ request }) {
      const record = recordOf(request);
      if (verify === null) {
        record.caller = UNRESTRICTED_CALLER;
        return;
      }
      const apply = (outcome: Verification): void => {
        if (outcome.ok) {
          record.caller = outcome.caller;
          return;
        }
        if (outcome.kind === "unavailable") {
          throw createGraphQLError(outcome.message, {
            extensions: { code: "AUTHENTICATION_UNAVAILABLE", http: { status: 503, headers: { "retry-after": "5" } } },
          });
        }
        throw createGraphQLError(outcome.message, {
          extensions: { code: "UNAUTHENTICATED", http: { status: 401, headers: { "www-authenticate": "Bearer" } } },
        });
      };
      const outcome = verify(request.headers.get("authorization"));
      return outcome instanceof Promise ? outcome.then(apply) : apply(outcome);
    },
  };
}
