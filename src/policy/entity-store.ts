// The entities file, indexed once per (re)load. A Cedar request needs only
// the entities its evaluation can reach (its principal, resource and action,
// the entities the policies name, and whatever those lead to through parents
// and attribute references): each request gets exactly those, computed once
// per entity and reused, instead of the whole file.
import type { CedarValueJson, EntityJson, EntityUidJson, TypeAndId } from "@cedar-policy/cedar-wasm/nodejs";

export function uidOf(json: EntityUidJson): TypeAndId {
  return "__entity" in json ? json.__entity : json;
}

export function uidKey(uid: TypeAndId): string {
  return `${uid.type}::${JSON.stringify(uid.id)}`;
}

/** Entity references anywhere in a JSON value: `{"__entity": {...}}` or a bare `{"type", "id"}`. */
export function entityReferences(value: unknown, into: TypeAndId[] = []): TypeAndId[] {
  if (Array.isArray(value)) {
    for (const item of value) entityReferences(item, into);
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 2 && typeof record.type === "string" && typeof record.id === "string") {
      into.push({ type: record.type, id: record.id });
      return into;
    }
    for (const key of keys) entityReferences(record[key], into);
  }
  return into;
}

export class EntityStore {
  private readonly byKey = new Map<string, EntityJson>();
  private readonly closures = new Map<string, readonly EntityJson[]>();

  constructor(entities: readonly EntityJson[]) {
    for (const entity of entities) this.byKey.set(uidKey(uidOf(entity.uid)), entity);
  }

  has(uid: TypeAndId): boolean {
    return this.byKey.has(uidKey(uid));
  }

  /** The entity (when the file defines it) and every entity reachable from it; memoized. */
  closureOf(uid: TypeAndId): readonly EntityJson[] {
    const key = uidKey(uid);
    let closure = this.closures.get(key);
    if (closure === undefined) {
      closure = this.reachableFrom([uid]);
      this.closures.set(key, closure);
    }
    return closure;
  }

  /** Every entity reachable from `start`, each once. */
  reachableFrom(start: readonly TypeAndId[]): EntityJson[] {
    const seen = new Set<string>();
    const found: EntityJson[] = [];
    const stack = [...start];
    while (stack.length > 0) {
      const uid = stack.pop() as TypeAndId;
      const key = uidKey(uid);
      if (seen.has(key)) continue;
      seen.add(key);
      const entity = this.byKey.get(key);
      if (entity === undefined) continue;
      found.push(entity);
      for (const parent of entity.parents) stack.push(uidOf(parent));
      entityReferences(entity.attrs as Record<string, CedarValueJson>, stack);
      if (entity.tags) entityReferences(entity.tags, stack);
    }
    return found;
  }
}

/** The union of entity lists, each entity once (they come from one store, so identity is enough). */
export function unionOf(lists: readonly (readonly EntityJson[])[]): EntityJson[] {
  const seen = new Set<EntityJson>();
  for (const list of lists) for (const entity of list) seen.add(entity);
  return [...seen];
}
