/**
 * Reading decoded form parameters with Stripe's answers for bad input: each reader names the
 * parameter it failed on (`param`), so stripe-node's error carries it as Stripe's would.
 */
import { invalidRequest, missingParam } from "./errors";
import type { FormObject, FormValue } from "./form";

export type Params = FormObject;

function at(params: Params, key: string): FormValue | undefined {
  return Object.hasOwn(params, key) ? params[key] : undefined;
}

export function str(params: Params, key: string, path = key): string | undefined {
  const value = at(params, key);
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalidRequest(`Invalid string: ${path}`, path);
  return value;
}

export function requiredStr(params: Params, key: string, path = key): string {
  const value = str(params, key, path);
  if (value === undefined || value === "") throw missingParam(path);
  return value;
}

/** A string that may be sent empty to clear a field: "" → null. */
export function nullableStr(params: Params, key: string, path = key): string | null | undefined {
  const value = str(params, key, path);
  return value === "" ? null : value;
}

export function int(params: Params, key: string, path = key): number | undefined {
  const value = str(params, key, path);
  if (value === undefined || value === "") return undefined;
  if (!/^-?\d+$/.test(value)) throw invalidRequest(`Invalid integer: ${value}`, path);
  return Number(value);
}

export function bool(params: Params, key: string, path = key): boolean | undefined {
  const value = str(params, key, path);
  if (value === undefined || value === "") return undefined;
  if (value !== "true" && value !== "false")
    throw invalidRequest(`Invalid boolean: ${value}`, path);
  return value === "true";
}

export function oneOf<T extends string>(
  params: Params,
  key: string,
  allowed: readonly T[],
  path = key,
): T | undefined {
  const value = str(params, key, path);
  if (value === undefined || value === "") return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidRequest(
      `Invalid ${path}: must be one of ${allowed.join(", ")}`,
      path,
      "parameter_invalid_string",
    );
  }
  return value as T;
}

export function obj(params: Params, key: string, path = key): Params | undefined {
  const value = at(params, key);
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidRequest(`Invalid object: ${path}`, path);
  }
  return value;
}

export function list(params: Params, key: string, path = key): FormValue[] | undefined {
  const value = at(params, key);
  if (value === undefined || value === "") return undefined;
  if (Array.isArray(value)) return value;
  // `{ 0: …, 1: … }` can arrive as an object when an index is skipped; Stripe accepts it.
  if (typeof value === "object") return Object.values(value);
  throw invalidRequest(`Invalid array: ${path}`, path);
}

export function strList(params: Params, key: string, path = key): string[] | undefined {
  return list(params, key, path)?.map((value, index) => {
    if (typeof value !== "string") throw invalidRequest(`Invalid string: ${path}[${index}]`, path);
    return value;
  });
}

export function objList(params: Params, key: string, path = key): Params[] | undefined {
  return list(params, key, path)?.map((value, index) => {
    if (typeof value !== "object" || Array.isArray(value)) {
      throw invalidRequest(`Invalid object: ${path}[${index}]`, `${path}[${index}]`);
    }
    return value;
  });
}

/**
 * Metadata as Stripe merges it: keys set to "" are removed; `metadata=""` clears all. Stripe
 * limits: 50 keys, key 40 characters, value 500 characters.
 */
export function mergeMetadata(
  current: Record<string, string>,
  params: Params,
): Record<string, string> {
  const value = at(params, "metadata");
  if (value === undefined) return current;
  if (value === "") return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw invalidRequest("Invalid object: metadata", "metadata");
  }
  const next = { ...current };
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== "string") throw invalidRequest(`Invalid metadata[${key}]`, "metadata");
    if (key.length > 40)
      throw invalidRequest("Metadata keys must be 40 characters or less", "metadata");
    if (entry.length > 500)
      throw invalidRequest("Metadata values must be 500 characters or less", "metadata");
    if (entry === "") delete next[key];
    else next[key] = entry;
  }
  if (Object.keys(next).length > 50)
    throw invalidRequest("Metadata can have at most 50 keys", "metadata");
  return next;
}
