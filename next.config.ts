import type { NextConfig } from "next";
import { env } from "./lib/env";

// Validate the configuration wherever Next starts (dev, build, start): a bad value stops here
// with one message naming each bad variable.
env();

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // PGlite loads its WebAssembly and data files from its own package folder at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pino", "pino-pretty"],
};

export default nextConfig;
