// Contract "Client artifacts": client/schema.graphql is the schema a frontend
// builds against (no federation machinery, accepted by buildSchema as it is),
// client/possible-types.json is Apollo Client's possibleTypes map, and every
// result type's description says when it appears. The checks read the
// checked-in files with graphql-js alone, not the printers that wrote them.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  visit,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const clientSdl = readFileSync(`${root}/client/schema.graphql`, "utf8");
const possibleTypes = JSON.parse(readFileSync(`${root}/client/possible-types.json`, "utf8")) as Record<string, string[]>;
// The subgraph SDL (schema.graphql, itself checked against the public contract by .ci/run):
// the client schema must keep every one of its types except the federation machinery.
const subgraph = buildSchema(readFileSync(`${root}/schema.graphql`, "utf8"), { assumeValid: true, assumeValidSDL: true });

function clientSchema(): GraphQLSchema {
  return buildSchema(clientSdl);
}

describe("client/schema.graphql is a client schema: buildSchema accepts it, without federation machinery", () => {
  it("is accepted by graphql's buildSchema as it is (no options, no added directive definitions)", () => {
    expect(() => buildSchema(clientSdl)).not.toThrow();
  });

  it("applies and defines no federation directive (@link, @key, @shareable, ...): only graphql's own", () => {
    const used: string[] = [];
    visit(parse(clientSdl), {
      Directive: (node) => void used.push(node.name.value),
      DirectiveDefinition: (node) => void used.push(node.name.value),
    });
    expect(used.filter((name) => !["deprecated", "specifiedBy", "oneOf"].includes(name))).toEqual([]);
    for (const directive of ["@link", "@key", "@shareable", "@external", "@requires", "@provides", "@override", "@inaccessible", "@tag", "@composeDirective", "@interfaceObject"]) {
      expect(clientSdl, directive).not.toContain(directive);
    }
    expect(parse(clientSdl).definitions.filter((d) => d.kind === Kind.SCHEMA_EXTENSION || d.kind === Kind.SCHEMA_DEFINITION)).toEqual([]);
  });

  it("has no _service, _entities, _Any, _Entity, _Service, link__* or federation__* name", () => {
    const schema = clientSchema();
    const typeNames = Object.keys(schema.getTypeMap());
    expect(typeNames.filter((name) => /^(_Any|_Entity|_Service|_FieldSet)$|^(link|federation)__/.test(name))).toEqual([]);
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {})).toEqual(["workloadShares"]);
    expect(clientSdl).not.toMatch(/_service|_entities|_Any\b|_Entity\b|_Service\b|link__|federation__/);
  });

  it("keeps every type, field and member of the subgraph schema but the federation machinery", () => {
    const schema = clientSchema();
    for (const type of Object.values(subgraph.getTypeMap())) {
      if (type.name.startsWith("__") || /^(_Any|_Entity|_Service|_FieldSet)$|^(link|federation)__/.test(type.name)) continue;
      const mine = schema.getType(type.name);
      expect(mine?.constructor.name, type.name).toBe(type.constructor.name);
      if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(mine) || isInterfaceType(mine))) {
        const wanted = Object.keys(type.getFields()).filter((f) => f !== "_service" && f !== "_entities");
        expect(Object.keys(mine.getFields()).sort(), type.name).toEqual(wanted.sort());
      }
    }
  });
});

describe("client/possible-types.json is Apollo Client's possibleTypes: every union and interface -> its member types", () => {
  it("lists exactly the client schema's unions and interfaces, each with exactly its members", () => {
    const schema = clientSchema();
    const abstract = Object.values(schema.getTypeMap()).filter((t) => !t.name.startsWith("__") && isAbstractType(t));
    expect(Object.keys(possibleTypes).sort()).toEqual(abstract.map((t) => t.name).sort());
    for (const type of abstract) {
      if (!isAbstractType(type)) continue;
      expect([...(possibleTypes[type.name] ?? [])].sort(), type.name).toEqual(schema.getPossibleTypes(type).map((m) => m.name).sort());
    }
  });

  it("covers every union and interface of the subgraph schema with its members", () => {
    for (const type of Object.values(subgraph.getTypeMap())) {
      if (type.name.startsWith("__") || !isAbstractType(type)) continue;
      expect(possibleTypes[type.name], type.name).toEqual(expect.arrayContaining(subgraph.getPossibleTypes(type).map((m) => m.name)));
    }
    expect(possibleTypes.Error).toEqual(
      expect.arrayContaining(["AccessDeniedError", "ConflictError", "ResourceNotFoundError", "ServiceQuotaExceededError", "ThrottlingError", "UpstreamError", "ValidationError"]),
    );
  });

  it("is a plain JSON object of string arrays (what InMemoryCache({ possibleTypes }) takes)", () => {
    for (const [name, members] of Object.entries(possibleTypes)) {
      expect(Array.isArray(members), name).toBe(true);
      for (const member of members) expect(typeof member).toBe("string");
    }
  });
});

/** The mapping table's rows: what each member's description must name. */
const MAPPING_ROWS: Record<string, { names: string[]; retryable: boolean }> = {
  ValidationError: { names: ["VALIDATION_ERROR", "BAD_REQUEST", "INVALID_*", "ValidationException", "400", "422"], retryable: false },
  AccessDeniedError: {
    names: ["ACCESS_DENIED", "UNAUTHORIZED", "FORBIDDEN", "AccessDeniedException", "InvalidSignatureException", "ExpiredTokenException", "401", "403", "INSUFFICIENT_SCOPE"],
    retryable: false,
  },
  ResourceNotFoundError: { names: ["NOT_FOUND", "RESOURCE_NOT_FOUND", "ResourceNotFoundException", "404"], retryable: false },
  ConflictError: { names: ["CONFLICT", "ConflictException", "409"], retryable: false },
  ServiceQuotaExceededError: { names: ["SERVICE_QUOTA_EXCEEDED", "QUOTA_EXCEEDED", "ServiceQuotaExceededException", "402"], retryable: false },
  ThrottlingError: { names: ["THROTTLING", "RATE_LIMITED", "TOO_MANY_REQUESTS", "ThrottlingException", "429"], retryable: true },
  UpstreamError: {
    names: ["INTERNAL_ERROR", "InternalServerException", "UPSTREAM_HTTP_<status>", "UPSTREAM_TIMEOUT", "UPSTREAM_UNREACHABLE", "UPSTREAM_BAD_RESPONSE", "UPSTREAM_RESPONSE_TOO_LARGE", "500", "502", "503", "504"],
    retryable: true,
  },
};

const SUCCESS_TYPES = ["CreateWorkloadShareSuccess", "UpdateWorkloadShareSuccess", "DeleteWorkloadShareSuccess", "WorkloadShareConnection"];

describe("every result union, error type, success type and the Error interface says when it appears", () => {
  const schema = clientSchema();
  const type = (name: string): GraphQLNamedType => {
    const found = schema.getType(name);
    if (!found) throw new Error(`no type ${name}`);
    return found;
  };

  it.each(Object.entries(MAPPING_ROWS))("%s names its row of the mapping table and whether it is retryable", (name, row) => {
    const description = type(name).description ?? "";
    for (const code of row.names) expect(description, `${name} should name ${code}`).toContain(code);
    expect(description).toContain("Appears");
    expect(description).toContain(row.retryable ? "retryable" : "retryable: false");
  });

  it.each(SUCCESS_TYPES)("%s says the upstream succeeded", (name) => {
    expect(isObjectType(type(name))).toBe(true);
    expect(type(name).description ?? "").toMatch(/upstream (created|changed|deleted|listed)/);
  });

  it("every result union says what it holds and where each member's 'when' is told", () => {
    const unions = Object.values(schema.getTypeMap()).filter(isUnionType);
    expect(unions.map((u) => u.name).sort()).toEqual(
      ["CreateWorkloadShareResult", "DeleteWorkloadShareResult", "UpdateWorkloadShareResult", "WorkloadSharesResult"].sort(),
    );
    for (const union of unions) {
      const description = union.description ?? "";
      const success = union.getTypes().find((m) => SUCCESS_TYPES.includes(m.name));
      expect(success, union.name).toBeDefined();
      expect(description, union.name).toContain(success?.name ?? "?");
      expect(description, union.name).toContain("never a top-level GraphQL error");
      expect(description, union.name).toContain("when it appears");
    }
  });

  it("the Error interface says errors are data, which ones are retryable, and why clients need possibleTypes", () => {
    const error = type("Error");
    expect(isInterfaceType(error)).toBe(true);
    const description = error.description ?? "";
    expect(description).toContain("never a");
    expect(description).toContain("ThrottlingError");
    expect(description).toMatch(/429, 500,\s*502, 503 or 504/);
    expect(description).toContain("possible-types.json");
  });

  it("clientRequestToken says when it is set: on success always, on errors when retryable", () => {
    const field = (typeName: string) => {
      const t = type(typeName);
      if (!isObjectType(t)) throw new Error(typeName);
      return t.getFields().clientRequestToken?.description ?? "";
    };
    expect(field("CreateWorkloadShareSuccess")).toContain("Always set on success");
    expect(field("DeleteWorkloadShareSuccess")).toContain("Always set on success");
    expect(field("ThrottlingError")).toContain("set on every ThrottlingError");
    expect(field("UpstreamError")).toContain("set when retryable is true");
  });
});

describe("GraphiQL's docs explain the results: the gateway serves the same descriptions", () => {
  it("the subgraph schema.graphql carries the descriptions the client schema has", () => {
    const subgraph = readFileSync(`${root}/schema.graphql`, "utf8");
    for (const name of [...Object.keys(MAPPING_ROWS), ...SUCCESS_TYPES, "Error"]) {
      const description = clientSchema().getType(name)?.description ?? "";
      expect(description.length, name).toBeGreaterThan(40);
      expect(subgraph, name).toContain(description.split("\n")[0]);
    }
  });
});
