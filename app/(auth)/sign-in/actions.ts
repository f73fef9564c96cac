"use server";

import { headers } from "next/headers";
import { AuthError } from "next-auth";
import { z } from "zod";
import { getDb } from "@/db";
import {
  passwordSignInSchema,
  signIn,
  signInMethods,
  TooManySignInAttempts,
} from "@/lib/auth/auth";
import { safeReturnPath } from "@/lib/auth/return-path";
import { lockedOutMessage } from "@/lib/auth/sign-in-lockout-message";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { type FormState, fieldErrorsOf, formText } from "@/lib/form-state";
import { clientNetwork } from "@/lib/http/client-ip";
import { enforceRateLimit, RATE_LIMITS } from "@/lib/rate-limit";

function returnPath(formData: FormData): string {
  return safeReturnPath(formText(formData, "callbackUrl"), env().FRONTEND_URL);
}

/** Email + password. Says only "email or password is wrong", whichever it was. */
export async function passwordSignInAction(
  _prev: FormState,
  formData: FormData,
): Promise<FormState> {
  const email = formText(formData, "email");
  const parsed = passwordSignInSchema.safeParse({
    email,
    password: formText(formData, "password"),
  });
  if (!parsed.success) {
    return { status: "error", fieldErrors: fieldErrorsOf(parsed.error), values: { email } };
  }
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: returnPath(formData) });
  } catch (error) {
    if (error instanceof TooManySignInAttempts) {
      return {
        status: "error",
        message: lockedOutMessage(error.retryAfterSeconds, signInMethods().magicLink),
        values: { email },
      };
    }
    if (error instanceof AuthError) {
      return { status: "error", message: "Email or password is wrong.", values: { email } };
    }
    throw error; // the redirect that follows a successful sign-in
  }
  return { status: "idle" };
}

const magicLinkSchema = z.object({ email: z.email("Enter a valid email address").max(320) });

/** Sends a sign-in link (or, offline in development, writes it to the server log). */
export async function magicLinkAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!signInMethods().magicLink) {
    return { status: "error", message: "Sign-in links are not enabled here." };
  }
  const email = formText(formData, "email");
  const parsed = magicLinkSchema.safeParse({ email });
  if (!parsed.success) {
    return { status: "error", fieldErrors: fieldErrorsOf(parsed.error), values: { email } };
  }
  try {
    const db = await getDb();
    await enforceRateLimit(db, RATE_LIMITS.magicLinkByIp, clientNetwork(await headers()));
    // Redirects to the check-your-email page (through Auth.js's /api/auth/verify-request).
    await signIn("nodemailer", { email: parsed.data.email, redirectTo: returnPath(formData) });
  } catch (error) {
    if (error instanceof AppError)
      return { status: "error", message: error.message, values: { email } };
    if (error instanceof AuthError) {
      return {
        status: "error",
        message: "The sign-in link could not be sent. Try again.",
        values: { email },
      };
    }
    throw error;
  }
  return { status: "idle" };
}

const oauthSchema = z.enum(["github", "google"]);

export async function oauthSignInAction(formData: FormData): Promise<void> {
  const provider = oauthSchema.parse(formText(formData, "provider"));
  if (!signInMethods()[provider]) throw new AppError("bad_request", "This sign-in method is off.");
  await signIn(provider, { redirectTo: returnPath(formData) });
}
