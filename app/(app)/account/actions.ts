"use server";

import { revalidatePath } from "next/cache";
import { ZodError } from "zod";
import { getDb } from "@/db";
import { resendVerificationEmail } from "@/lib/auth/send-verification-email";
import { requireUser } from "@/lib/auth/session";
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

/** Sets a first password, or changes it given the current one. */
export async function setPasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await requireUser(PAGE);
  const currentPassword = formText(formData, "currentPassword");
  try {
    await setPassword(await getDb(), user.id, {
      currentPassword: currentPassword || undefined,
      newPassword: formText(formData, "newPassword"),
    });
  } catch (error) {
    if (error instanceof ZodError) return { status: "error", fieldErrors: fieldErrorsOf(error) };
    if (error instanceof AppError && error.code === "validation_failed") {
      return { status: "error", fieldErrors: { currentPassword: error.message } };
    }
    if (error instanceof AppError) return { status: "error", message: error.message };
    throw error;
  }
  revalidatePath(PAGE);
  return { status: "success", message: "Your password is saved." };
}
