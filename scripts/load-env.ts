/**
 * Loads .env files for scripts the way Next loads them for the app (.env, .env.local,
 * .env.development, …), so a script and the app it serves see the same configuration.
 * Import it first.
 */
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", {
  info: () => {},
  error: (...messages: unknown[]) => process.stderr.write(`${messages.join(" ")}\n`),
});
