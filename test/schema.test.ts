// The checked-in schema.graphql and the client artifacts beside it are generated from the Pothos
// schema. (The comparison with the public contract beside the repository is .ci/run's: the tests
// never reach outside the clone.)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { printClientSchemaSDL, printPossibleTypesJSON } from "../src/schema/client-artifacts.js";
import { printSchemaSDL } from "../src/schema/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("schema.graphql", () => {
  it("is current: it equals the SDL printed from the Pothos schema (run `npm run schema`)", () => {
    const checkedIn = readFileSync(`${root}/schema.graphql`, "utf8");
    expect(checkedIn).toBe(printSchemaSDL());
  });

  it("is a valid Federation v2 subgraph SDL", () => {
    const sdl = readFileSync(`${root}/schema.graphql`, "utf8");
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2');
    expect(() => buildSubgraphSchema(parse(sdl))).not.toThrow();
  });
});

describe("the client artifacts (client/)", () => {
  // Compared without writing, with the printers `npm run schema` uses.
  it("client/schema.graphql is current: it equals the client SDL printed from the Pothos schema (run `npm run schema`)", () => {
    expect(readFileSync(`${root}/client/schema.graphql`, "utf8")).toBe(printClientSchemaSDL());
  });

  it("client/possible-types.json is current: it equals the map printed from the Pothos schema (run `npm run schema`)", () => {
    expect(readFileSync(`${root}/client/possible-types.json`, "utf8")).toBe(printPossibleTypesJSON());
  });
});
