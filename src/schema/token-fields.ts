// Counts the token-taking root fields of the executed operation (contract:
// the Idempotency-Key is used as is only when there is one).
import {
  Kind,
  parse,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { rootFieldNodes } from "./root-fields.js";

export const TOKEN_TAKING_FIELDS = new Set(["createWorkloadShare", "deleteWorkloadShare"]);

const counted = new WeakMap<OperationDefinitionNode, number>();

function countIn(selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): number {
  return rootFieldNodes(selectionSet, (name) => fragments[name]).filter((f) => TOKEN_TAKING_FIELDS.has(f.name.value)).length;
}

export function countTokenTakingFields(
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
): number {
  let n = counted.get(operation);
  if (n === undefined) {
    n = countIn(operation.selectionSet, fragments);
    counted.set(operation, n);
  }
  return n;
}

/** The same count for an operation given as source text (another operation of a batch). */
export function countTokenTakingFieldsInSource(source: string | undefined, operationName: string | undefined): number {
  if (source === undefined) return 0;
  let document;
  try {
    document = parse(source);
  } catch {
    return 0;
  }
  const fragments: Record<string, FragmentDefinitionNode> = {};
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation =
    operationName === undefined ? (operations.length === 1 ? operations[0] : undefined) : operations.find((o) => o.name?.value === operationName);
  return operation ? countIn(operation.selectionSet, fragments) : 0;
}
