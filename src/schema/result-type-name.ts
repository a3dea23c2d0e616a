// The GraphQL type name of a field's result (what __typename would answer),
// whether or not the client selected it: for the request log and audit lines.
import { getNamedType, isUnionType, type GraphQLResolveInfo } from "graphql";

/** Synchronous unless the union resolves types asynchronously. */
export function typeNameOf(value: unknown, context: unknown, info: GraphQLResolveInfo): string | Promise<string> {
  const type = getNamedType(info.returnType);
  if (Array.isArray(value)) return `[${type.name}]`;
  if (isUnionType(type) && type.resolveType && value !== null && typeof value === "object") {
    try {
      const name = type.resolveType(value, context, info, type);
      if (typeof name === "string") return name;
      if (name instanceof Promise) return name.then((n) => (typeof n === "string" ? n : type.name), () => type.name);
    } catch {
      // graphql-js reports a value it cannot resolve; the record just keeps the union's name
    }
  }
  return type.name;
}
