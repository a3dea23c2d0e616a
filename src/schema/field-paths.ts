// Upstream field names in validation details (`SharedWith`, `shared_with`,
// `sharedWith`) become paths of the GraphQL arguments.

function normalize(name: string): string {
  return name.replace(/[_\-\s]/g, "").toLowerCase();
}

/**
 * @param prefix the path of the argument object (["input"] for mutations, [] for query arguments)
 * @param names the GraphQL field names, keyed by any upstream names that differ from them
 */
export function fieldPathMapper(prefix: string[], names: string[], upstreamAliases: Record<string, string> = {}) {
  const byNormalized = new Map<string, string>();
  for (const name of names) byNormalized.set(normalize(name), name);
  for (const [upstream, graphql] of Object.entries(upstreamAliases)) byNormalized.set(normalize(upstream), graphql);
  return (upstreamName: string): string[] => [...prefix, byNormalized.get(normalize(upstreamName)) ?? upstreamName];
}
