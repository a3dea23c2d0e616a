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

/** The body as text, or null when it is not valid UTF-8 (never a silent U+FFFD). */
export function utf8Text(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** The request as yoga's parsers see it: its body is the already-checked text (no second Request object). */
function withText(request: Request, text: string): Request {
  return new Proxy(request, {
    get(target, property) {
      if (property === "text") return () => Promise.resolve(text);
      if (property === "json") return () => Promise.resolve(text).then((t) => JSON.parse(t) as unknown);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function useRequestBody(maxBodyBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (request.method !== "POST") return;
      if (requestParser === undefined) {
        throw createGraphQLError("Unsupported content type: send the request as application/json", {
          extensions: { code: "UNSUPPORTED_MEDIA_TYPE", http: { status: 415, spec: false } },
        });
      }
      const declared = request.headers.get("content-length");
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);

      const parse = requestParser;
      const knownLength = declared !== null && /^\d+$/.test(declared);
      setRequestParser(async (req) => {
        if (req.body === null) return parse(req);
        // With a Content-Length (already checked against the limit, and enforced
        // by Node's parser) the body is read in one go; otherwise chunk by chunk.
        const bytes = knownLength ? new Uint8Array(await req.arrayBuffer()) : await readAtMost(req.body, maxBodyBytes);
        if (bytes === null) throw bodyTooLarge(maxBodyBytes);
        const text = utf8Text(bytes);
        if (text === null) throw badRequest("The request body is not valid UTF-8");
        return parse(withText(req, text));
      });
    },
  };
}
