// npm run schema: writes the SDL printed from the Pothos schema to schema.graphql,
// and the client artifacts (client/schema.graphql, client/possible-types.json).
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { printPossibleTypesJSON, printClientSchemaSDL } from "../src/schema/client-artifacts.js";
import { printSchemaSDL } from "../src/schema/index.js";

const root = new URL("../", import.meta.url);
mkdirSync(new URL("client/", root), { recursive: true });
for (const [path, text] of [
  ["schema.graphql", printSchemaSDL()],
  ["client/schema.graphql", printClientSchemaSDL()],
  ["client/possible-types.json", printPossibleTypesJSON()],
] as const) {
  const target = fileURLToPath(new URL(path, root));
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
