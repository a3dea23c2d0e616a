// Small, total readers for untrusted JSON: they never throw.

export type JsonObject = Record<string, unknown>;

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty string, else null. */
export function readString(obj: JsonObject, key: string): string | null {
  const value = obj[key];
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** The first of several keys that holds a non-empty string. */
export function readFirstString(obj: JsonObject, keys: string[]): string | null {
  for (const key of keys) {
    const value = readString(obj, key);
    if (value !== null) return value;
  }
  return null;
}

/** ISO 8601 strings and epoch seconds (the AWS wire); anything else is null. */
export function readDate(value: unknown): Date | null {
  let ms: number;
  if (typeof value === "number") ms = value * 1000;
  else if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) ms = Date.parse(value);
  else return null;
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}
