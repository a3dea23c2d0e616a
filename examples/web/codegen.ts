// GraphQL Code Generator: typed documents for the operations in src/, and the
// trusted-documents manifest (src/gql/persisted-documents.json) the gateway loads.
import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";

const config: CodegenConfig = {
  // The gateway's client schema (`npm run schema` in the gateway repo writes it): no federation machinery.
  schema: "../../client/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: {
        // persisted-documents.json: { "<sha256 of the document>": "<document>" }, the hash also embedded
        // in each generated document (`__meta__.hash`), which is what the app sends as documentId.
        persistedDocuments: true,
        fragmentMasking: false,
      },
      // Apollo Client's cache needs __typename everywhere; the registered documents must hold it,
      // since the gateway executes the registered text, not what the client would have printed.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        scalars: { DateTime: "string" },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false },
      },
    },
  },
};

export default config;
