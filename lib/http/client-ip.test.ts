import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";

const forwarded = (value: string) => new Headers({ "x-forwarded-for": value });

describe("clientIp", () => {
  it("with no trusted proxy uses the one address the server wrote from the connection", () => {
    expect(clientIp(forwarded("203.0.113.9"), 0)).toBe("203.0.113.9");
  });

  it("with one proxy takes the entry that proxy appended, not what the client claimed", () => {
    expect(clientIp(forwarded("6.6.6.6, 203.0.113.9"), 1)).toBe("203.0.113.9");
  });

  it("with N proxies takes the N-th entry from the right", () => {
    // The client claimed 6.6.6.6; the outer proxy saw 203.0.113.9; the inner one saw the outer.
    expect(clientIp(forwarded("6.6.6.6, 203.0.113.9, 10.0.0.2"), 2)).toBe("203.0.113.9");
    expect(clientIp(forwarded("6.6.6.6,203.0.113.9 , 10.0.0.2,10.0.0.3"), 3)).toBe("203.0.113.9");
  });

  it("takes the leftmost entry when the chain is shorter than the configured hops", () => {
    expect(clientIp(forwarded("198.51.100.4"), 2)).toBe("198.51.100.4");
  });

  it("ignores X-Real-IP, which a client can set, and says unknown when nothing is known", () => {
    expect(clientIp(new Headers({ "x-real-ip": "198.51.100.2" }), 1)).toBe("unknown");
    expect(clientIp(forwarded(" , "), 0)).toBe("unknown");
    expect(clientIp(new Headers(), 0)).toBe("unknown");
  });
});
