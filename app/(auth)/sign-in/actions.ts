"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
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
import { type FormState, formText } from "@/lib/form-state";
import { action, formAction } from "@/lib/http/action";
import { RATE_LIMITS } from "@/lib/rate-limit";

function returnPath(formData: FormData): string {
  return safeReturnPath(formText(formData, "callbackUrl"), env().FRONTEND_URL);
}

/** Email + password. Says only "email or password is wrong", whichever it was. */
export const passwordSignInAction = action(
  { access: "public", schema: passwordSignInSchema, keep: ["email"] },
  async (credentials, { formData }) => {
    const values = { email: formText(formData, "email") };
    try {
      await signIn("credentials", { ...credentials, redirectTo: returnPath(formData) });
    } catch (error) {
      if (error instanceof TooManySignInAttempts) {
        return {
          status: "error",
          message: lockedOutMessage(error.retryAfterSeconds, signInMethods().magicLink),
          values,
        };
      }
      if (error instanceof AuthError) {
        return { status: "error", message: "Email or password is wrong.", values };
      }
      throw error; // the redirect that follows a successful sign-in
    }
    return { status: "idle" };
  },
);

const magicLinkSchema = z.object({ email: z.email("Enter a valid email address").max(320) });

const sendSignInLink = action(
  {
    access: "public",
    schema: magicLinkSchema,
    rateLimit: RATE_LIMITS.magicLinkByIp,
    keep: ["email"],
  },
  async ({ email }, { formData }) => {
    try {
      // Redirects to the check-your-email page (through Auth.js's /api/auth/verify-request).
      await signIn("nodemailer", { email, redirectTo: returnPath(formData) });
    } catch (error) {
      if (error instanceof AuthError) {
        return {
          status: "error",
          message: "The sign-in link could not be sent. Try again.",
          values: { email: formText(formData, "email") },
        };
      }
      throw error;
    }
    return { status: "idle" };
  },
);

/** Sends a sign-in link (or, offline in development, writes it to the server log). */
export async function magicLinkAction(state: FormState, formData: FormData): Promise<FormState> {
  if (!signInMethods().magicLink) {
    return { status: "error", message: "Sign-in links are not enabled here." };
  }
  return sendSignInLink(state, formData);
}

export const oauthSignInAction = formAction(
  { access: "public", schema: z.object({ provider: z.enum(["github", "google"]) }) },
  async ({ provider }, { formData }) => {
    if (!signInMethods()[provider])
      throw new AppError("bad_request", "This sign-in method is off.");
    await signIn(provider, { redirectTo: returnPath(formData) });
  },
);
