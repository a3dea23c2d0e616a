import { GraphQLError, Kind } from "graphql";
import { builder } from "./builder.js";

function toDate(value: unknown): Date {
  const date = typeof value === "string" ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime())) throw new GraphQLError("DateTime must be an RFC 3339 date-time string");
  return date;
}

/** RFC 3339 date-time in UTC; the wire decoder hands it a Date. */
export const DateTime = builder.scalarType("DateTime", {
  description: "An RFC 3339 date-time in UTC, e.g. 2025-01-01T00:00:00.000Z.",
  serialize: (value) => value.toISOString(),
  parseValue: toDate,
  parseLiteral: (ast) => toDate(ast.kind === Kind.STRING ? ast.value : null),
});
