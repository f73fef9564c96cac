import { describe, expect, it } from "vitest";
import { type Env, parseEnv } from "@/lib/env";
import { signInMethods } from "./auth";

function config(source: Record<string, string>): Env {
  const result = parseEnv(source);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.env;
}

describe("signInMethods", () => {
  it("offers only email and password in production without email or OAuth settings", () => {
    expect(signInMethods(config({ NODE_ENV: "production" }))).toEqual({
      magicLink: false,
      github: false,
      google: false,
    });
  });

  it("offers sign-in links in development even without an email server (they are logged)", () => {
    expect(signInMethods(config({ NODE_ENV: "development" })).magicLink).toBe(true);
  });

  it("offers sign-in links in production once EMAIL_SERVER is set", () => {
    const methods = signInMethods(
      config({ NODE_ENV: "production", EMAIL_SERVER: "smtp://user:pass@mail.example.com:587" }),
    );
    expect(methods.magicLink).toBe(true);
  });

  it("shows an OAuth provider only when both of its variables are set", () => {
    const methods = signInMethods(
      config({ AUTH_GITHUB_ID: "id", AUTH_GITHUB_SECRET: "secret", NODE_ENV: "production" }),
    );
    expect(methods).toMatchObject({ github: true, google: false });
  });
});
