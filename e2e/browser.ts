/**
 * Which Chromium the end-to-end tests drive: CHROMIUM_PATH when set, else Debian's chromium,
 * else the browser `npx playwright install chromium` downloads. Offline machines cannot
 * download one, so Debian's package is the usual answer.
 */
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

const SYSTEM_CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium"];

/** Flags for a headless Chromium on a machine with no network beyond localhost. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The path of a usable Chromium, or undefined when there is none. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const system = SYSTEM_CHROMIUM.find((candidate) => existsSync(candidate));
  if (system) return system;
  try {
    const bundled = chromium.executablePath();
    return existsSync(bundled) ? bundled : undefined;
  } catch {
    return undefined;
  }
}

export function missingChromiumMessage(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  return [
    fromEnv
      ? `CHROMIUM_PATH is set to ${fromEnv}, but no file is there.`
      : "No Chromium found for the end-to-end tests.",
    "Install one of:",
    "  - Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y chromium",
    "  - Playwright's own build (needs internet): npx playwright install chromium",
    "or point CHROMIUM_PATH at a Chromium or Chrome binary.",
  ].join("\n");
}
