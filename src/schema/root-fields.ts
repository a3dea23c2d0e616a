// The root fields an operation selects, through inline fragments and named
// fragment spreads (each fragment once): one walk for the client-token count,
// the write-field limit and the request record.
import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";

export type FragmentLookup = (name: string) => FragmentDefinitionNode | null | undefined;

export function rootFieldNodes(selectionSet: SelectionSetNode, fragment: FragmentLookup): FieldNode[] {
  const fields: FieldNode[] = [];
  const seen = new Set<string>();
  const collect = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const definition = fragment(selection.name.value);
        if (definition) collect(definition.selectionSet);
      }
    }
  };
  collect(selectionSet);
  return fields;
}
