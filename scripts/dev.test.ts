import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function runDev(env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/dev.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "test", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("npm run dev", () => {
  it("stops before starting the server when FRONTEND_URL is not a URL, naming it", () => {
    const result = runDev({ FRONTEND_URL: "not-a-url" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Invalid configuration");
    expect(result.stderr).toMatch(/FRONTEND_URL: must be an http\(s\) URL/);
    expect(result.stdout).not.toContain("Tollgate is starting");
  });

  it("names every bad variable at once", () => {
    const result = runDev({ FRONTEND_URL: "not-a-url", DEFAULT_TRIAL_DAYS: "soon" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("FRONTEND_URL:");
    expect(result.stderr).toContain("DEFAULT_TRIAL_DAYS:");
  });
});
