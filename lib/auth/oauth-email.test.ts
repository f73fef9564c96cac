import { describe, expect, it } from "vitest";
import {
  OAUTH_EMAIL_NOT_VERIFIED_PATH,
  OAUTH_OTHER_ADDRESS_PATH,
  oauthSignInDecision,
  oauthVerifiedEmail,
  parseGitHubEmails,
  withGitHubPrimaryEmail,
} from "./oauth-email";

describe("oauthVerifiedEmail", () => {
  it("accepts an address only when the provider says it verified it", () => {
    expect(oauthVerifiedEmail({ email: "ada@example.com", email_verified: true })).toBe(
      "ada@example.com",
    );
    expect(oauthVerifiedEmail({ email: "ada@example.com", email_verified: false })).toBeNull();
    expect(oauthVerifiedEmail({ email: "ada@example.com" })).toBeNull();
  });

  it("does not take a truthy string or number for a verified claim", () => {
    expect(oauthVerifiedEmail({ email: "ada@example.com", email_verified: "true" })).toBeNull();
    expect(oauthVerifiedEmail({ email: "ada@example.com", email_verified: 1 })).toBeNull();
  });

  it("refuses profiles without an address", () => {
    expect(oauthVerifiedEmail({ email: null, email_verified: true })).toBeNull();
    expect(oauthVerifiedEmail({ email: " ", email_verified: true })).toBeNull();
    expect(oauthVerifiedEmail(undefined)).toBeNull();
  });
});

describe("GitHub's primary email", () => {
  const profile = { id: 42, login: "ada", email: "public@example.com" };

  it("replaces the public profile email with the verified primary address", () => {
    const emails = parseGitHubEmails([
      { email: "public@example.com", primary: false, verified: true },
      { email: "ada@example.com", primary: true, verified: true, visibility: "private" },
    ]);
    const result = withGitHubPrimaryEmail(profile, emails);
    expect(result).toMatchObject({ id: 42, email: "ada@example.com", email_verified: true });
    expect(oauthVerifiedEmail(result)).toBe("ada@example.com");
  });

  it("marks an unverified primary address as unverified, so it proves nothing", () => {
    const result = withGitHubPrimaryEmail(
      profile,
      parseGitHubEmails([{ email: "victim@example.com", primary: true, verified: false }]),
    );
    expect(result.email_verified).toBe(false);
    expect(oauthVerifiedEmail(result)).toBeNull();
  });

  it("proves nothing when GitHub's answer is missing or malformed", () => {
    expect(oauthVerifiedEmail(withGitHubPrimaryEmail(profile, parseGitHubEmails(null)))).toBeNull();
    expect(
      oauthVerifiedEmail(
        withGitHubPrimaryEmail(profile, parseGitHubEmails([{ email: "x@example.com" }])),
      ),
    ).toBeNull();
  });
});

describe("oauthSignInDecision", () => {
  it("refuses an OAuth sign-in whose provider did not verify the address", () => {
    expect(oauthSignInDecision({ type: "oidc" }, { email: "a@example.com" })).toBe(
      OAUTH_EMAIL_NOT_VERIFIED_PATH,
    );
    expect(
      oauthSignInDecision({ type: "oauth" }, { email: "a@example.com", email_verified: false }),
    ).toBe(OAUTH_EMAIL_NOT_VERIFIED_PATH);
  });

  it("lets a verified OAuth address, a password or a sign-in link through", () => {
    expect(
      oauthSignInDecision({ type: "oidc" }, { email: "a@example.com", email_verified: true }),
    ).toBe(true);
    expect(oauthSignInDecision({ type: "credentials" }, undefined)).toBe(true);
    expect(oauthSignInDecision({ type: "email" }, undefined)).toBe(true);
  });

  it("on top of a session, lets through only the signed-in user's own address, in any case", () => {
    const github = { type: "oauth" };
    const verified = (email: string) => ({ email, email_verified: true });
    expect(
      oauthSignInDecision(github, verified("Ada@Example.com"), { email: "ada@example.com" }),
    ).toBe(true);
    expect(
      oauthSignInDecision(github, verified("mallory@example.net"), { email: "ada@example.com" }),
    ).toBe(OAUTH_OTHER_ADDRESS_PATH);
  });

  it("refuses every OAuth sign-in on top of a session that has ended", () => {
    expect(
      oauthSignInDecision(
        { type: "oidc" },
        { email: "ada@example.com", email_verified: true },
        { email: null },
      ),
    ).toBe(OAUTH_OTHER_ADDRESS_PATH);
  });
});
