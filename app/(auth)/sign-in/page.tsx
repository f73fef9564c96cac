import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { signInMethods } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/return-path";
import { currentUser } from "@/lib/auth/session";
import { lockedOutMessage } from "@/lib/auth/sign-in-lockout-message";
import { env } from "@/lib/env";
import { oauthSignInAction } from "./actions";
import { MagicLinkForm } from "./magic-link-form";
import { PasswordSignInForm } from "./password-sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

/** Messages for the `error` Auth.js puts in the URL after a failed redirect-based sign-in. */
const AUTH_ERRORS: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one.",
  OAuthAccountNotLinked:
    "This email already has an account with another sign-in method. Sign in with that one.",
  OAuthEmailNotVerified:
    "That account's email address is not verified with the provider. Verify it there, or sign in another way.",
  OAuthOtherAddress:
    "That account's address is not the one you are signed in with. Sign out first, then sign in with it.",
  AccessDenied: "Sign-in was refused.",
  CredentialsSignin: "Email or password is wrong.",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const { FRONTEND_URL } = env();
  const returnTo = safeReturnPath(params.callbackUrl, FRONTEND_URL);
  if (await currentUser()) redirect(returnTo);

  const methods = signInMethods();
  const error = typeof params.error === "string" ? params.error : undefined;
  // Auth.js's own password endpoint says a locked-out sign-in with `code=rate_limited`.
  const errorText =
    error === "CredentialsSignin" && params.code === "rate_limited"
      ? lockedOutMessage(null, methods.magicLink)
      : error && (AUTH_ERRORS[error] ?? "Sign-in failed. Try again.");
  const signUpHref = `/sign-up?callbackUrl=${encodeURIComponent(returnTo)}`;

  return (
    <>
      <h1 className="text-2xl font-bold tracking-tight text-slate-900">Sign in to Tollgate</h1>
      <p className="mt-2 text-sm text-slate-600">
        No account yet?{" "}
        <Link href={signUpHref} className="font-medium text-brand-700 underline">
          Create one
        </Link>
      </p>
      {params.notice === "verify-email" && (
        <div className="mt-6">
          <FormAlert tone="info">
            Sign in to confirm your email address.
            {methods.magicLink &&
              " If you did not create this account with a password, use a sign-in link instead: it proves the address is yours, removes any password set before and signs out every other session."}
          </FormAlert>
        </div>
      )}
      {errorText && (
        <div className="mt-6">
          <FormAlert tone="error">{errorText}</FormAlert>
        </div>
      )}
      <div className="mt-6">
        <PasswordSignInForm callbackUrl={returnTo} />
      </div>
      {(methods.magicLink || methods.github || methods.google) && (
        <div className="mt-8 space-y-4 border-t border-slate-200 pt-6">
          <p className="text-center text-sm text-slate-500">Or</p>
          {methods.magicLink && <MagicLinkForm callbackUrl={returnTo} />}
          {(["github", "google"] as const)
            .filter((provider) => methods[provider])
            .map((provider) => (
              <form key={provider} action={oauthSignInAction}>
                <input type="hidden" name="provider" value={provider} />
                <input type="hidden" name="callbackUrl" value={returnTo} />
                <SubmitButton variant="secondary" pendingLabel="Redirecting…" className="w-full">
                  Continue with {provider === "github" ? "GitHub" : "Google"}
                </SubmitButton>
              </form>
            ))}
        </div>
      )}
    </>
  );
}
