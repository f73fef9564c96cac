import { describe, expect, it } from "vitest";
import {
  API_CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  createNonce,
  securityHeaders,
} from "./security-headers";

const options = { frontendUrl: "http://localhost:3000", nonce: "bm9uY2U=", development: false };

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values.join(" ")];
    }),
  );
}

describe("securityHeaders", () => {
  it("forbids framing, sniffing and full referrers, and turns unused browser features off", () => {
    const headers = new Map(securityHeaders("http://localhost:3000", "default-src 'self'"));
    expect(headers.get("X-Frame-Options")).toBe("DENY");
    expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(headers.get("Permissions-Policy")).toMatch(/camera=\(\).*microphone=\(\)/);
    expect(headers.get("Content-Security-Policy")).toBe("default-src 'self'");
  });

  it("sends HSTS only when FRONTEND_URL is https", () => {
    const http = new Map(securityHeaders("http://localhost:3000", API_CONTENT_SECURITY_POLICY));
    expect(http.has("Strict-Transport-Security")).toBe(false);
    const https = new Map(
      securityHeaders("https://billing.example.com", API_CONTENT_SECURITY_POLICY),
    );
    expect(https.get("Strict-Transport-Security")).toBe("max-age=63072000; includeSubDomains");
  });
});

describe("API_CONTENT_SECURITY_POLICY", () => {
  it("lets a route handler's answer load nothing and be framed nowhere", () => {
    const policy = directives(API_CONTENT_SECURITY_POLICY);
    expect(policy.get("default-src")).toBe("'none'");
    expect(policy.get("frame-ancestors")).toBe("'none'");
  });
});

describe("contentSecurityPolicy", () => {
  it("runs only scripts carrying the nonce and may not be framed", () => {
    const policy = directives(contentSecurityPolicy(options));
    expect(policy.get("script-src")).toBe("'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(policy.get("frame-ancestors")).toBe("'none'");
    expect(policy.get("object-src")).toBe("'none'");
    expect(policy.get("default-src")).toBe("'self'");
    expect(policy.has("upgrade-insecure-requests")).toBe(false);
  });

  it("allows eval only for next dev, never in production", () => {
    expect(contentSecurityPolicy(options)).not.toContain("unsafe-eval");
    expect(
      directives(contentSecurityPolicy({ ...options, development: true })).get("script-src"),
    ).toBe("'self' 'nonce-bm9uY2U=' 'strict-dynamic' 'unsafe-eval'");
  });

  it("upgrades http subresources when FRONTEND_URL is https", () => {
    const policy = contentSecurityPolicy({
      ...options,
      frontendUrl: "https://billing.example.com",
    });
    expect(directives(policy).has("upgrade-insecure-requests")).toBe(true);
  });
});

describe("createNonce", () => {
  it("is a fresh base64 value each time, in the form Next reads back from the policy", () => {
    const nonces = new Set(Array.from({ length: 50 }, createNonce));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});
