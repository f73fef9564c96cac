import { describe, expect, it } from "vitest";
import { clientIp, clientNetwork, rateLimitNetwork } from "./client-ip";

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

describe("rateLimitNetwork", () => {
  it("counts every address of an IPv6 /64 as one, however it is written", () => {
    const network = "2001:db8:85a3:8d3::/64";
    expect(rateLimitNetwork("2001:db8:85a3:8d3:1319:8a2e:370:7348")).toBe(network);
    expect(rateLimitNetwork("2001:0DB8:85A3:08D3::1")).toBe(network);
    expect(rateLimitNetwork("[2001:db8:85a3:8d3::2]:443")).toBe(network);
    expect(rateLimitNetwork("2001:db8:85a3:8d3::3%eth0")).toBe(network);
    expect(rateLimitNetwork("2001:db8:85a3:8d3:0:0:1.2.3.4")).toBe(network);
  });

  it("keeps neighbouring /64 networks apart", () => {
    expect(rateLimitNetwork("2001:db8:85a3:8d4::1")).toBe("2001:db8:85a3:8d4::/64");
    expect(rateLimitNetwork("::1")).toBe("0:0:0:0::/64");
    expect(rateLimitNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
  });

  it("counts IPv4 addresses one by one, also when IPv4-mapped or with a port", () => {
    expect(rateLimitNetwork("203.0.113.9")).toBe("203.0.113.9");
    expect(rateLimitNetwork("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(rateLimitNetwork("::ffff:cb00:7109")).toBe("203.0.113.9");
    expect(rateLimitNetwork("203.0.113.9:51234")).toBe("203.0.113.9");
  });

  it("leaves what is not an address as it is", () => {
    expect(rateLimitNetwork("unknown")).toBe("unknown");
    expect(rateLimitNetwork("not:an:address")).toBe("not:an:address");
  });
});

describe("clientNetwork", () => {
  it("is the /64 of the address the trusted proxy saw", () => {
    expect(clientNetwork(forwarded("6.6.6.6, 2001:db8:1:2:aaaa::1"), 1)).toBe("2001:db8:1:2::/64");
  });
});
