// BATCH_LIMIT: operations per batched HTTP request (0: batching off). Checked
// right after the body is parsed, before any operation is parsed or runs.
import type { Plugin } from "graphql-yoga";
import { limitError } from "./limit-error.js";

export function useBatchLimit(batchLimit: number): Plugin {
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (!Array.isArray(requestParserResult)) return;
          const n = requestParserResult.length;
          if (batchLimit === 0) throw limitError("BATCH_LIMIT", `batched requests are off; send one operation per request (got ${n})`);
          if (n > batchLimit) throw limitError("BATCH_LIMIT", `a batch may hold at most ${batchLimit} operations (got ${n})`);
        },
      };
    },
  };
}
