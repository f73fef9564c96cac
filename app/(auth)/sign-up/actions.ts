"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { z } from "zod";
import { getDb } from "@/db";
import { signIn } from "@/lib/auth/auth";
import { DEFAULT_RETURN_PATH, safeReturnPath } from "@/lib/auth/return-path";
import { signUp } from "@/lib/auth/sign-up";
import { env } from "@/lib/env";
import { action } from "@/lib/http/action";
import { clientNetwork } from "@/lib/http/client-ip";

/** The form's fields; `signUp` checks them. */
const signUpForm = z.object({
  name: z.string(),
  email: z.string(),
  password: z.string(),
  callbackUrl: z.string(),
});

/**
 * Creates the account, then signs it in and continues to where the visitor was going. An
 * address that has an account already is answered beside the email field.
 */
export const signUpAction = action(
  {
    access: "public",
    schema: signUpForm,
    keep: ["name", "email"],
    errorFields: { conflict: "email" },
  },
  async ({ name, email, password, callbackUrl }) => {
    const returnTo = safeReturnPath(callbackUrl, env().FRONTEND_URL);
    await signUp(
      await getDb(),
      { name: name || undefined, email, password },
      {
        ip: clientNetwork(await headers()),
        ...(returnTo === DEFAULT_RETURN_PATH ? {} : { returnTo }),
      },
    );
    try {
      await signIn("credentials", { email, password, redirectTo: returnTo });
    } catch (error) {
      // The account exists; if signing in fails now (a rate limit), let them sign in by hand.
      if (error instanceof AuthError) {
        redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
      }
      throw error;
    }
    return { status: "idle" };
  },
);
