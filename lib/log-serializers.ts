/**
 * How errors are written to the log: pino's standard form (type, message and stack with their
 * causes, own fields), minus the values of the query that failed. Drizzle's `DrizzleQueryError`
 * carries the bound parameters in `params` and at the end of its message (so in its stack too),
 * PGlite's error in `params`, postgres.js's in `parameters` and `args`, and Postgres's `detail`
 * quotes the row or key it refused ("Key (email)=(ada@example.com) already exists"). Emails,
 * API key hashes and password hashes travel there; the SQL text, the error code, the table and
 * the constraint stay, since they say what failed without saying about whom.
 */
import { stdSerializers } from "pino";

/** Fields that hold a failed query's values, wherever a database driver puts them. */
const VALUE_FIELDS = new Set(["params", "parameters", "args", "detail", "queryOptions"]);

/** Drizzle's message ends with "\nparams: <the values>". */
const PARAMS_SUFFIX = /\nparams: [\s\S]*$/;

/** How deep a chain of causes is followed; deeper causes are left out. */
const MAX_DEPTH = 8;

function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === "object" && value !== null && typeof Reflect.get(value, "message") === "string"
  );
}

/**
 * A copy of `error` (same prototype, so the same type name) without query values, its causes
 * and aggregated errors copied the same way. The original is left as it is: it may still be
 * thrown or inspected.
 */
function withoutValues(error: Error, depth: number): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  for (const key of Object.keys(error)) {
    if (!VALUE_FIELDS.has(key)) Reflect.set(copy, key, Reflect.get(error, key));
  }
  const message = error.message.replace(PARAMS_SUFFIX, "");
  Object.defineProperty(copy, "message", { value: message, enumerable: false, writable: true });
  // A replacer function, so that `$&` or `$'` in the SQL text is not read as a pattern.
  const stack =
    typeof error.stack === "string" ? error.stack.replace(error.message, () => message) : "";
  Object.defineProperty(copy, "stack", { value: stack, enumerable: false, writable: true });
  // A cause that is not an error (a plain object, say) could hold anything: it is left out.
  const cause = Reflect.get(error, "cause");
  const deeper = (item: unknown) =>
    isErrorLike(item) && depth < MAX_DEPTH ? withoutValues(item, depth + 1) : undefined;
  Reflect.set(copy, "cause", deeper(cause));
  const errors = Reflect.get(error, "errors");
  if (Array.isArray(errors)) Reflect.set(copy, "errors", errors.map(deeper));
  return copy;
}

/** pino's `err` serializer with every query value removed (see above). */
export function serializeError(value: unknown): unknown {
  return isErrorLike(value) ? stdSerializers.err(withoutValues(value, 0)) : value;
}
