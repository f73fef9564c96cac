"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { ZodError } from "zod";
import { getDb } from "@/db";
import { signIn } from "@/lib/auth/auth";
import { resendVerificationEmail } from "@/lib/auth/send-verification-email";
import { requireSession, requireUser, signInPath } from "@/lib/auth/session";
import { setPassword } from "@/lib/auth/set-password";
import { AppError } from "@/lib/errors";
import { type FormState, fieldErrorsOf, formText } from "@/lib/form-state";

const PAGE = "/account";

/** Mails a new verification link to the signed-in user's address. */
export async function resendVerificationAction(
  _prev: FormState,
  _formData: FormData,
): Promise<FormState> {
  const user = await requireUser(PAGE);
  try {
    const sent = await resendVerificationEmail(await getDb(), user.id);
    return sent
      ? { status: "success", message: `We sent a new link to ${user.email}.` }
      : { status: "success", message: "Your email address is verified already." };
  } catch (error) {
    if (error instanceof AppError) return { status: "error", message: error.message };
    throw error;
  }
}

/**
 * Sets a first password, or changes it given the current one. A change ends every other
 * session; this one is signed in again with the new password, so that its token carries the
 * new session version (read with the new hash, as at any password sign-in), and the browser is
 * sent to a fresh page: the page this request would render still reads the old cookie.
 */
export async function setPasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const { user, sessionVersion } = await requireSession(PAGE);
  const currentPassword = formText(formData, "currentPassword");
  const newPassword = formText(formData, "newPassword");
  let saved: { sessionVersion: number };
  try {
    saved = await setPassword(
      await getDb(),
      { userId: user.id, sessionVersion },
      { currentPassword: currentPassword || undefined, newPassword },
    );
  } catch (error) {
    if (error instanceof ZodError) return { status: "error", fieldErrors: fieldErrorsOf(error) };
    if (error instanceof AppError && error.code === "validation_failed") {
      return { status: "error", fieldErrors: { currentPassword: error.message } };
    }
    if (error instanceof AppError) return { status: "error", message: error.message };
    throw error;
  }
  if (saved.sessionVersion !== sessionVersion) {
    const signedIn = user.email !== null && (await signInAgain(user.email, newPassword));
    redirect(signedIn ? `${PAGE}?password=changed` : signInPath(PAGE));
  }
  revalidatePath(PAGE);
  return { status: "success", message: "Your password is saved." };
}

/** Sets this response's session cookie by a new password sign-in; false when refused. */
async function signInAgain(email: string, password: string): Promise<boolean> {
  try {
    await signIn("credentials", { email, password, redirect: false });
    return true;
  } catch (error) {
    // The sign-in lockout, or a proof of the address that cleared the password meanwhile.
    if (error instanceof AuthError) return false;
    throw error;
  }
}
