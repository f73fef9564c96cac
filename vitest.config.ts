import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
/** What every test process sees; route tests compare origins with FRONTEND_URL. */
const sharedTest = {
  environment: "node" as const,
  env: {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    NODE_ENV: "test" as const,
    FRONTEND_URL: "http://localhost:3000",
    AUTH_SECRET: "tollgate-test-secret-that-is-only-for-tests",
    ADMIN_EMAILS: "boss@example.com",
  },
  // next-auth imports "next/server" without an extension, which Node's ESM loader refuses;
  // inlined, it goes through Vite's resolver like app code does.
  server: { deps: { inline: ["next-auth"] } },
};

const shared = {
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside React Server Components; its empty entry is what Next uses.
      "server-only": path.join(root, "node_modules/server-only/empty.js"),
    },
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...shared,
        test: {
          name: "unit",
          include: ["{lib,db,app,components,scripts,stripe-emulator}/**/*.test.ts"],
          exclude: ["**/*.db.test.ts", "node_modules/**"],
          ...sharedTest,
        },
      },
      {
        ...shared,
        test: {
          name: "db",
          include: ["{lib,db,app,scripts}/**/*.db.test.ts"],
          ...sharedTest,
          // Opening a PGlite and migrating it takes a few seconds on a loaded machine.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
