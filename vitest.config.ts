import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
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
          environment: "node",
          env: { LOG_LEVEL: "silent", NODE_ENV: "test" },
        },
      },
      {
        ...shared,
        test: {
          name: "db",
          include: ["{lib,db,app,scripts}/**/*.db.test.ts"],
          environment: "node",
          env: { LOG_LEVEL: "silent", NODE_ENV: "test" },
          // Opening a PGlite and migrating it takes a few seconds on a loaded machine.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
