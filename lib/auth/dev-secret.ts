import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The AUTH_SECRET used in development when none is configured: generated once into
 * `<dataDir>/auth-secret` (readable by the owner only) and reused, so sessions survive a
 * restart. Never used in production, where a missing AUTH_SECRET stops start-up.
 */
export function loadOrCreateDevSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  const existing = readSecret(file);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    // "wx": if two processes start together, one writes and the other reads what it wrote.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    if (errorCode(error) !== "EEXIST") throw error;
    const written = readSecret(file);
    if (!written) throw new Error(`${file} holds no usable secret; delete it and start again`);
    return written;
  }
}

function readSecret(file: string): string | null {
  try {
    const value = readFileSync(file, "utf8").trim();
    return value.length >= 32 ? value : null;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
}

function errorCode(error: unknown): unknown {
  return error instanceof Error && "code" in error ? error.code : undefined;
}
