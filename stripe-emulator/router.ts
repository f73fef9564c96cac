/** The shape every API route shares. */
import type { Emulator } from "./context";
import type { Params } from "./params";

export interface ApiRequest {
  em: Emulator;
  method: string;
  path: string;
  params: Params;
  /** Captured groups of the route's pattern (ids in the path). */
  ids: string[];
}

export interface Route {
  method: "GET" | "POST" | "DELETE";
  pattern: RegExp;
  handler: (request: ApiRequest) => unknown;
}

export function route(method: Route["method"], path: string, handler: Route["handler"]): Route {
  const pattern = new RegExp(`^${path.replace(/:[a-z]+/g, "([^/]+)")}$`);
  return { method, pattern, handler };
}

/** The id at position `index` of the path; the pattern guarantees it exists. */
export function idAt(request: ApiRequest, index = 0): string {
  return decodeURIComponent(request.ids[index] ?? "");
}
