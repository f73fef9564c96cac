"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { ZodError } from "zod";
import { getDb } from "@/db";
import { signIn } from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/return-path";
import { signUp } from "@/lib/auth/sign-up";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { type FormState, fieldErrorsOf, formText } from "@/lib/form-state";
import { clientNetwork } from "@/lib/http/client-ip";

/** Creates the account, then signs it in and continues to where the visitor was going. */
export async function signUpAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const config = env();
  const values = { name: formText(formData, "name"), email: formText(formData, "email") };
  const password = formText(formData, "password");
  const returnTo = safeReturnPath(formText(formData, "callbackUrl"), config.FRONTEND_URL);

  try {
    await signUp(
      await getDb(),
      { ...values, name: values.name || undefined, password },
      { ip: clientNetwork(await headers()) },
    );
  } catch (error) {
    if (error instanceof ZodError) {
      return { status: "error", fieldErrors: fieldErrorsOf(error), values };
    }
    if (error instanceof AppError && error.code === "conflict") {
      return { status: "error", fieldErrors: { email: error.message }, values };
    }
    if (error instanceof AppError) return { status: "error", message: error.message, values };
    throw error;
  }

  try {
    await signIn("credentials", { email: values.email, password, redirectTo: returnTo });
  } catch (error) {
    // The account exists; if signing in fails now (a rate limit), let them sign in by hand.
    if (error instanceof AuthError)
      redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
    throw error;
  }
  return { status: "idle" };
}
