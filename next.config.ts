import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_SERVER } from "next/constants";
import { loadOrCreateDevSecret } from "./lib/auth/dev-secret";
import { formatEnvErrors, parseEnv } from "./lib/env";

/**
 * Runs wherever Next starts (dev, build, start), before any request. A bad setting stops here
 * with one message naming each bad variable. For a server it also settles two Auth.js inputs:
 * a development AUTH_SECRET kept in .data/ when none is set, and AUTH_URL = FRONTEND_URL, so
 * that links Auth.js builds (magic links, redirects) never come from a request's Host header.
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
  if (server) process.env.AUTH_URL = result.env.FRONTEND_URL;

  return {
    reactStrictMode: true,
    poweredByHeader: false,
    // PGlite loads its WebAssembly and data files from its own package folder at run time.
    serverExternalPackages: ["@electric-sql/pglite", "pino", "pino-pretty"],
  };
}
