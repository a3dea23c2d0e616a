// The request body before yoga parses it: a supported content type (else
// 415), at most MAX_BODY_BYTES (else 413, by Content-Length before reading a
// byte, else while reading), and valid UTF-8 (else 400): never a silent U+FFFD.
import { createGraphQLError, type Plugin } from "graphql-yoga";
import { limitError } from "./limit-error.js";

function bodyTooLarge(limit: number) {
  return limitError("MAX_BODY_BYTES", `the request body is larger than ${limit} bytes`, 413);
}

function badRequest(message: string, code = "BAD_REQUEST") {
  return createGraphQLError(message, { extensions: { code, http: { status: 400, spec: false } } });
}

/** The body's bytes, or null once it exceeds `limit` (the rest is not read). */
async function readAtMost(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export function useRequestBody(maxBodyBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.method !== "POST") return;
      if (requestParser === undefined) {
        throw createGraphQLError("Unsupported content type: send the request as application/json", {
          extensions: { code: "UNSUPPORTED_MEDIA_TYPE", http: { status: 415, spec: false } },
        });
      }
      const declared = request.headers.get("content-length");
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);

      const parse = requestParser;
      setRequestParser(async (req) => {
        if (req.body === null) return parse(req);
        const bytes = await readAtMost(req.body, maxBodyBytes);
        if (bytes === null) throw bodyTooLarge(maxBodyBytes);
        let text: string;
        try {
          text = strictUtf8.decode(bytes);
        } catch {
          throw badRequest("The request body is not valid UTF-8");
        }
        const headers = new fetchAPI.Headers(req.headers);
        headers.delete("content-length"); // a BOM may have been dropped
        return parse(new fetchAPI.Request(req.url, { method: req.method, headers, body: text }));
      });
    },
  };
}
