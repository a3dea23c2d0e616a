// npm run schema: writes the SDL printed from the Pothos schema to schema.graphql.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { printSchemaSDL } from "../src/schema/index.js";

const target = fileURLToPath(new URL("../schema.graphql", import.meta.url));
writeFileSync(target, printSchemaSDL());
console.log(`wrote ${target}`);
