/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracket notation, as
 * stripe-node writes it (`items[0][price]=…`, `metadata[plan]=…`, `expand[]=…`).
 *
 * Contract: never throws; a key that cannot be read as brackets is kept whole. Numeric segments
 * build arrays (holes are dropped, order by index), other segments build objects. Values stay
 * strings: each endpoint coerces what it reads (see `params.ts`). An empty value means "unset"
 * to Stripe and is kept as "".
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

function splitKey(key: string): string[] {
  const first = key.indexOf("[");
  if (first <= 0 || !key.endsWith("]")) return [key];
  const segments = [key.slice(0, first)];
  const rest = key.slice(first);
  const pattern = /\[([^[\]]*)\]/g;
  let consumed = 0;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    if (match.index !== consumed) return [key];
    segments.push(match[1] ?? "");
    consumed = match.index + match[0].length;
  }
  return consumed === rest.length ? segments : [key];
}

type Node = { [key: string]: Node | string };

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/** Decodes a form body or query string into nested objects and arrays. */
export function parseForm(body: string): FormObject {
  const root: Node = Object.create(null);
  const appendCounters = new Map<Node, number>();
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const segments = splitKey(rawKey);
    if (segments.some((segment) => FORBIDDEN.has(segment))) continue;
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      let segment = segments[i] ?? "";
      if (segment === "") {
        // `expand[]=a&expand[]=b`: an append, numbered in arrival order.
        const next = appendCounters.get(node) ?? 0;
        appendCounters.set(node, next + 1);
        segment = `\u0000${String(next).padStart(8, "0")}`;
      }
      if (i === segments.length - 1) {
        node[segment] = value;
      } else {
        const child = node[segment];
        if (typeof child === "object") {
          node = child;
        } else {
          const created: Node = Object.create(null);
          node[segment] = created;
          node = created;
        }
      }
    }
  }
  return toValue(root) as FormObject;
}

function isArrayLike(node: Node): boolean {
  const keys = Object.keys(node);
  return keys.length > 0 && keys.every((key) => /^\d+$/.test(key) || key.startsWith("\u0000"));
}

function toValue(node: Node | string): FormValue {
  if (typeof node === "string") return node;
  if (isArrayLike(node)) {
    return Object.keys(node)
      .sort((a, b) =>
        a.startsWith("\u0000") || b.startsWith("\u0000")
          ? a.localeCompare(b)
          : Number(a) - Number(b),
      )
      .map((key) => toValue(node[key] as Node | string));
  }
  const out: { [key: string]: FormValue } = {};
  for (const key of Object.keys(node)) out[key] = toValue(node[key] as Node | string);
  return out;
}

/** A string field of a decoded form; anything else (absent, nested) is "". For the pages' forms. */
export function field(form: FormObject, name: string): string {
  const value = form[name];
  return typeof value === "string" ? value : "";
}
