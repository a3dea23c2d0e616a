// Limits on one GraphQL document, checked before anything executes:
// MAX_TOKENS while parsing, then MAX_DEPTH, MAX_ALIASES, MAX_DIRECTIVES
// (graphql-armor) and MAX_WRITE_FIELDS (mutation fields of one operation,
// aliases included, so a mutation cannot be fanned out upstream by aliasing).
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import {
  type ASTVisitor,
  type GraphQLError,
  type OperationDefinitionNode,
  type ValidationContext,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { DocumentLimits } from "../../config.js";
import { rootFieldNodes } from "../../schema/root-fields.js";
import { limitError, type LimitName } from "./limit-error.js";

/** graphql-armor's refusal, reworded to name our variable and made a 4xx. */
function reportAs(limit: LimitName, n: number, counted: string) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const found = /found (\d+)/.exec(error.message)?.[1];
    const refusal = limitError(limit, `the document exceeds the limit of ${n} ${counted}${found ? ` (found ${found})` : ""}`);
    // Tokens are counted while parsing, where there is no validation context: stop the parser.
    if (context === null) throw refusal;
    context.reportError(refusal);
  };
}

/** Root fields one operation executes, by response key (aliases count, merged duplicates do not). */
export function responseKeysOfRoot(operation: OperationDefinitionNode, context: ValidationContext): number {
  const fields = rootFieldNodes(operation.selectionSet, (name) => context.getFragment(name));
  return new Set(fields.map((f) => (f.alias ?? f.name).value)).size;
}

function maxWriteFieldsRule(limit: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      if (operation.operation !== "mutation") return;
      const n = responseKeysOfRoot(operation, context);
      if (n > limit) {
        context.reportError(limitError("MAX_WRITE_FIELDS", `the operation has ${n} mutation fields; at most ${limit} are allowed`));
      }
    },
  });
}

export function useDocumentLimits(limits: DocumentLimits): Plugin {
  const rejecting = (limit: LimitName, n: number, counted: string) => ({
    n,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [reportAs(limit, n, counted)],
  });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        EnvelopArmorPlugin({
          maxTokens: rejecting("MAX_TOKENS", limits.maxTokens, "tokens"),
          // Depth counts fields only: `... on Success { share { ... } }` is one level per field.
          maxDepth: { ...rejecting("MAX_DEPTH", limits.maxDepth, "levels of depth"), flattenFragments: true },
          // Every alias counts, __typename ones included (armor allows those by default).
          maxAliases: { ...rejecting("MAX_ALIASES", limits.maxAliases, "aliases"), allowList: [] },
          maxDirectives: rejecting("MAX_DIRECTIVES", limits.maxDirectives, "directives"),
          costLimit: { enabled: false },
          blockFieldSuggestion: { enabled: false },
        }),
      );
    },
    onValidate({ addValidationRule }) {
      addValidationRule(maxWriteFieldsRule(limits.maxWriteFields));
    },
  };
}
