/**
 * A stand-in for the request a server action runs in, for tests that call actions directly:
 * `vi.mock("next/headers", () => import("@/lib/testing/next-request"))`, then `browserWith(cookie)`
 * before each call. `auth()` reads these headers; cookies an action sets are kept in `setCookies`.
 */
const request = { headers: new Headers(), setCookies: new Map<string, string>() };
let ip = 0;

/** The next action runs for a browser holding `cookie`, from an address of its own. */
export function browserWith(cookie: string | null): void {
  ip += 1;
  request.headers = new Headers({
    cookie: cookie ?? "",
    "x-forwarded-for": `198.51.100.${ip % 250}`,
  });
  request.setCookies.clear();
}

export const setCookies = (): ReadonlyMap<string, string> => request.setCookies;

export async function headers(): Promise<Headers> {
  return request.headers;
}

export async function cookies() {
  return {
    get: (_name: string) => undefined as { name: string; value: string } | undefined,
    set(name: string, value: string) {
      request.setCookies.set(name, value);
    },
    delete(name: string) {
      request.setCookies.delete(name);
    },
  };
}
