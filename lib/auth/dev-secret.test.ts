import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateDevSecret } from "./dev-secret";

const tempDir = () => mkdtempSync(path.join(tmpdir(), "tollgate-secret-"));

describe("loadOrCreateDevSecret", () => {
  it("creates a long random secret, readable by its owner only, in a new folder", () => {
    const dir = path.join(tempDir(), "data");
    const secret = loadOrCreateDevSecret(dir);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, "auth-secret");
    expect(readFileSync(file, "utf8").trim()).toBe(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("returns the same secret on every later start", () => {
    const dir = tempDir();
    const first = loadOrCreateDevSecret(dir);
    expect(loadOrCreateDevSecret(dir)).toBe(first);
    expect(loadOrCreateDevSecret(tempDir())).not.toBe(first);
  });

  it("refuses a file that holds no usable secret instead of replacing it silently", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "auth-secret"), "short\n");
    expect(() => loadOrCreateDevSecret(dir)).toThrow(/auth-secret holds no usable secret/);
  });
});
