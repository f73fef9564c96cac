import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_SERVER } from "next/constants";
import { loadOrCreateDevSecret } from "./lib/auth/dev-secret";
import { formatEnvErrors, parseEnv } from "./lib/env";
import { API_CONTENT_SECURITY_POLICY, securityHeaders } from "./lib/http/security-headers";

/**
 * Runs wherever Next starts (dev, build, start), before any request. A bad setting stops here
 * with one message naming each bad variable. For a development server it also keeps an
 * AUTH_SECRET in .data/ when none is set. (AUTH_URL is set by `env()` in the serving process.)
 */
export default function nextConfig(phase: string): NextConfig {
  const server = phase === PHASE_DEVELOPMENT_SERVER || phase === PHASE_PRODUCTION_SERVER;
  if (server && process.env.NODE_ENV !== "production" && !process.env.AUTH_SECRET?.trim()) {
    process.env.AUTH_SECRET = loadOrCreateDevSecret(".data");
  }
  const result = parseEnv(process.env, { server });
  if (!result.ok) {
    process.stderr.write(`\n${formatEnvErrors(result.issues)}\n\n`);
    process.exit(1);
  }

  const apiHeaders = securityHeaders(result.env.FRONTEND_URL, API_CONTENT_SECURITY_POLICY);

  return {
    reactStrictMode: true,
    poweredByHeader: false,
    // Route handlers under /api are outside proxy.ts (see its matcher); their security headers
    // are fixed here, when the build reads them, from the FRONTEND_URL of that moment.
    headers: async () => [
      { source: "/api/:path*", headers: apiHeaders.map(([key, value]) => ({ key, value })) },
    ],
    // PGlite loads its WebAssembly and data files from its own package folder at run time.
    serverExternalPackages: ["@electric-sql/pglite", "pino", "pino-pretty"],
  };
}
