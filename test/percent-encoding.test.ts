// The REST paths and query strings: RFC 3986 percent-encoding, which SigV4's
// canonical request needs byte for byte.
import { describe, expect, it } from "vitest";
import { formatQuery, percentEncode } from "../src/upstream/operations.js";

describe("percentEncode", () => {
  it("leaves unreserved characters as they are", () => {
    expect(percentEncode("0123456789abcdef0123456789abcdef")).toBe("0123456789abcdef0123456789abcdef");
    expect(percentEncode("AZaz09-._~")).toBe("AZaz09-._~");
    expect(percentEncode("")).toBe("");
  });

  it("escapes everything else, including what encodeURIComponent leaves", () => {
    expect(percentEncode("a b")).toBe("a%20b");
    expect(percentEncode("a/b+c=d")).toBe("a%2Fb%2Bc%3Dd");
    expect(percentEncode("!'()*")).toBe("%21%27%28%29%2A");
    expect(percentEncode("é")).toBe("%C3%A9");
  });

  it("agrees with a byte-wise RFC 3986 encoder on every character up to U+00FF", () => {
    const reference = (value: string): string =>
      [...new TextEncoder().encode(value)]
        .map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`))
        .join("");
    for (let code = 0; code <= 0xff; code++) {
      const value = `x${String.fromCharCode(code)}y`;
      expect(percentEncode(value)).toBe(reference(value));
    }
  });

  it("encodes query names and values", () => {
    expect(formatQuery([["NextToken", "ab/c=="], ["SharedWithPrefix", "1234"]])).toBe("?NextToken=ab%2Fc%3D%3D&SharedWithPrefix=1234");
  });
});
