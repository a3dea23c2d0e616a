// How much of the schema the gateway tells strangers: introspection
// (INTROSPECTION) and "Did you mean ...?" suggestions in error messages
// (FIELD_SUGGESTIONS), both off in production unless enabled.
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";

// graphql-js appends suggestions last: ` Did you mean "a", "b", or "c"?` or `... the enum value "X"?`.
const SUGGESTION = /\s*Did you mean [^\n]*\?\s*$/;

function hideSuggestions(result: ExecutionResult): void {
  for (const error of result.errors ?? []) {
    if (error instanceof GraphQLError && SUGGESTION.test(error.message)) {
      error.message = error.message.replace(SUGGESTION, "");
    }
  }
}

export interface SchemaDisclosure {
  introspection: boolean;
  fieldSuggestions: boolean;
}

export function useSchemaDisclosure({ introspection, fieldSuggestions }: SchemaDisclosure): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (!introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
    onResultProcess({ result }) {
      if (fieldSuggestions) return;
      for (const one of Array.isArray(result) ? result : [result]) {
        if (one !== null && typeof one === "object" && "errors" in one) hideSuggestions(one as ExecutionResult);
      }
    },
  };
}
